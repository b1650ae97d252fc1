from odoo import _, api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    loyalty_otp_required = fields.Boolean(related="company_id.loyalty_otp_required", readonly=False)
    loyalty_otp_sms_provider = fields.Char(string="SMS provider", compute="_compute_loyalty_otp_sms_provider")

    @api.depends("company_id")
    def _compute_loyalty_otp_sms_provider(self):
        labels = {"iap": _("Odoo SMS credits (IAP)"), "twilio": _("Twilio account")}
        for settings in self:
            settings.loyalty_otp_sms_provider = labels[settings.company_id._loyalty_otp_sms_provider()]

    def action_loyalty_otp_configure_sms(self):
        """Open the clinic's SMS provider set-up: the Twilio account when
        Twilio is the provider, else the page to buy Odoo SMS credits."""
        self.ensure_one()
        company = self.company_id
        if company._loyalty_otp_sms_provider() == "twilio":
            return company._action_open_sms_twilio_account_manage()
        return {
            "type": "ir.actions.act_url",
            "url": self.env["iap.account"].sudo().get_credits_url(service_name="sms"),
            "target": "new",
        }
