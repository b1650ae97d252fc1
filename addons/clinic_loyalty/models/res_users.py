# The staff signals badge on a user.
from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    loyalty_signal_count = fields.Integer(
        string="Staff signals",
        compute="_compute_loyalty_signal_count",
        groups="clinic_loyalty.group_loyalty_manager",
    )

    @api.depends_context("uid")
    def _compute_loyalty_signal_count(self):
        # Counted under the reader's rights: a manager never counts their own.
        counts = dict(
            self.env["clinic.loyalty.signal"]._read_group(
                [("user_id", "in", self.ids), ("state", "!=", "dismissed")], ["user_id"], ["__count"]
            )
        )
        for user in self:
            user.loyalty_signal_count = counts.get(user, 0)

    def action_open_loyalty_signals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_signal_action")
        action["domain"] = [("user_id", "=", self.id)]
        action["context"] = {}
        return action
