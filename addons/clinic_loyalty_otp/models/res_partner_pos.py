# pylint: disable=consider-merging-classes-inherited
# (res_partner.py guards the numbers codes are sent to; this file shows the
# balance in the POS client list: two ideas, two files.)
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_pos_balance = fields.Integer(
        string="Loyalty balance",
        compute="_compute_loyalty_pos_balance",
        groups="point_of_sale.group_pos_user,clinic_loyalty.group_loyalty_user",
        help="Points of the client's account at the current clinic (shown in the POS client list).",
    )

    @api.depends_context("company")
    def _compute_loyalty_pos_balance(self):
        accounts = (
            self.env["clinic.loyalty.account"]
            .sudo()
            .search_read(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id", "balance"],
            )
        )
        balance_of = {a["partner_id"][0]: a["balance"] for a in accounts}
        for partner in self:
            partner.loyalty_pos_balance = balance_of.get(partner.commercial_partner_id.id, 0)

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["loyalty_pos_balance"]
