from odoo import fields, models


class ClinicLoyaltyOtpPhoneWizard(models.TransientModel):
    _name = "clinic.loyalty.otp.phone.wizard"
    _description = "Change the mobile used for loyalty codes"

    account_id = fields.Many2one("clinic.loyalty.account", required=True, readonly=True)
    current_phone = fields.Char(related="account_id.otp_phone")
    new_phone = fields.Char(string="New mobile", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.account_id.action_otp_change_phone(self.new_phone)
        return {"type": "ir.actions.act_window_close"}
