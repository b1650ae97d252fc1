from odoo import fields, models


class ClinicLoyaltySignalDismissWizard(models.TransientModel):
    _name = "clinic.loyalty.signal.dismiss.wizard"
    _description = "Dismiss staff signals"

    signal_ids = fields.Many2many("clinic.loyalty.signal", string="Signals")
    reason = fields.Char(required=True, help="Why the finding is not a concern; kept with the signal.")

    def action_dismiss(self):
        self.ensure_one()
        self.signal_ids.action_dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
