# The staff signals badge on a client (one idea per file).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_signal_count = fields.Integer(
        string="Staff signals",
        compute="_compute_loyalty_signal_count",
        groups="clinic_loyalty.group_loyalty_manager",
    )

    @api.depends_context("uid")
    def _compute_loyalty_signal_count(self):
        counts = dict(
            self.env["clinic.loyalty.signal"]._read_group(
                [("partner_id", "in", self.ids), ("state", "!=", "dismissed")], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.loyalty_signal_count = counts.get(partner, 0)

    def action_open_loyalty_signals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_signal_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {}
        return action
