from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    loyalty_otp_required = fields.Boolean(
        string="Redemptions require a one-time code sent by SMS",
        default=True,
        help="Staff may spend a client's points only after the client reads back a 6-digit code "
        "sent to their registered mobile. Off: the back office redeems without a code; the point of "
        "sale always asks for one.",
    )

    def _loyalty_otp_sms_provider(self):
        """``"twilio"`` when the clinic sends through its Twilio account
        (``sms_twilio`` installed and selected), else ``"iap"`` (Odoo credits)."""
        self.ensure_one()
        if "sms_provider" in self._fields and self.sms_provider == "twilio":
            return "twilio"
        return "iap"
