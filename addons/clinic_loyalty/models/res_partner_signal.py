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
        """Signals about the contact as a client, or as a staff member (the
        contact of the user concerned), counted under the reader's rights."""
        signals = self.env["clinic.loyalty.signal"].search_fetch(
            self._loyalty_signal_domain(), ["partner_id", "user_id"]
        )
        counts = dict.fromkeys(self.ids, 0)
        for signal in signals:
            for partner_id in {signal.partner_id.id, signal.user_id.partner_id.id} & set(counts):
                counts[partner_id] += 1
        for partner in self:
            partner.loyalty_signal_count = counts.get(partner.id, 0)

    def _loyalty_signal_domain(self):
        return [
            ("state", "!=", "dismissed"),
            "|",
            ("partner_id", "in", self.ids),
            ("user_id.partner_id", "in", self.ids),
        ]

    def action_open_loyalty_signals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_signal_action")
        action["domain"] = self._loyalty_signal_domain()
        action["context"] = {}
        return action
