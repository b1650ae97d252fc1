from odoo import api, fields, models

from ..tools.pos_guard import PAID_STATES


class ResPartner(models.Model):
    """The client's balance in the POS client list, and a counter-only
    client's paid orders as a stake in who the contact belongs to."""

    _inherit = "res.partner"

    loyalty_pos_balance = fields.Integer(
        string="Loyalty balance",
        compute="_compute_loyalty_pos_balance",
        groups="point_of_sale.group_pos_user,clinic_loyalty.group_loyalty_user",
        help="Points of the client's account at the current clinic (shown in the POS client list).",
    )

    @api.depends_context("company")
    def _compute_loyalty_pos_balance(self):
        accounts = self.env["clinic.loyalty.account"].sudo()._lookup(self)
        balance_of = {account.partner_id.id: account.balance for account in accounts}
        for partner in self:
            partner.loyalty_pos_balance = balance_of.get(partner.commercial_partner_id.id, 0)

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["loyalty_pos_balance"]

    def _loyalty_has_stake(self):
        """A walk-in client's paid POS orders earn at the next accrual: who
        such a contact belongs to (re-parenting, merging) is a Loyalty
        Manager's call before the account even exists."""
        if super()._loyalty_has_stake():
            return True
        partners = self.with_context(active_test=False)
        people = partners | partners.commercial_partner_id
        return bool(
            self.env["pos.order"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("partner_id", "in", people.ids),
                    ("partner_id.commercial_partner_id", "in", people.ids),
                    ("state", "in", PAID_STATES),
                ],
                limit=1,
            )
        )
