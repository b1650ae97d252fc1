"""Where a ledger entry sits in the books: the daily move that booked it,
and which sources book their redemptions through a payment instead."""
# The books are their own idea (loyalty_entry.py is the ledger itself):
# pylint: disable=consider-merging-classes-inherited

from odoo import api, fields, models


class ClinicLoyaltyEntry(models.Model):
    _inherit = "clinic.loyalty.entry"

    move_id = fields.Many2one(
        "account.move",
        string="Journal entry",
        compute="_compute_move_id",
        help="The daily loyalty journal entry that booked this entry's value.",
    )

    def _compute_move_id(self):
        links = self.env["clinic.loyalty.move.link"].sudo().search([("entry_id", "in", self.ids)])
        move_of = {link.entry_id.id: link.daily_move_id.move_id for link in links}
        for entry in self:
            entry.move_id = move_of.get(entry.id, False)

    @api.model
    def _loyalty_paid_sources(self):
        """Models whose redemption entries (and their refunds) are booked by a
        payment (point of sale, invoice paid with points): the daily entry
        books only the difference between the points' value and the money the
        payment booked (the entry's ``amount``). Extended by the addons that
        add such payments."""
        return []
