# pylint: disable=consider-merging-classes-inherited
# (res_partner.py guards the numbers codes are sent to; this file counts a
# counter-only client's paid orders as a stake: two ideas, two files.)
from odoo import models

from .pos_order import PAID_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

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
