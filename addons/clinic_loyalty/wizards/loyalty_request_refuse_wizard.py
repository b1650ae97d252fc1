from odoo import fields, models


class ClinicLoyaltyRequestRefuseWizard(models.TransientModel):
    _name = "clinic.loyalty.request.refuse.wizard"
    _description = "Refuse a loyalty reward request"

    request_id = fields.Many2one("clinic.loyalty.reward.request", required=True, readonly=True)
    reason = fields.Text(required=True, help="Sent to the client with the refusal.")

    def action_refuse(self):
        self.ensure_one()
        self.request_id._check_staff()
        self.request_id._refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
