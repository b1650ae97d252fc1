"""Where a ledger entry sits in the books: the daily move that booked it,
and which sources book their redemptions through a payment instead."""
# The books are their own idea (loyalty_entry.py is the ledger itself):
# pylint: disable=consider-merging-classes-inherited

from odoo import api, fields, models
from odoo.tools import SQL


class ClinicLoyaltyEntry(models.Model):
    _inherit = "clinic.loyalty.entry"

    move_id = fields.Many2one(
        "account.move",
        string="Journal entry",
        compute="_compute_move_id",
        help="The daily loyalty journal entry that booked this entry's value.",
    )

    def _compute_move_id(self):
        self.env["clinic.loyalty.daily.move"].flush_model(["move_id"])
        self.env.cr.execute(
            SQL(
                """SELECT l.entry_id, d.move_id FROM clinic_loyalty_move_link l
                     JOIN clinic_loyalty_daily_move d ON d.id = l.daily_move_id
                    WHERE l.entry_id = ANY(%s)""",
                list(self._ids),
            )
        )
        move_of = dict(self.env.cr.fetchall())
        for entry in self:
            entry.move_id = move_of.get(entry.id) or False

    @api.model
    def _loyalty_paid_sources(self):
        """Models whose redemption entries (and their refunds) are booked by a
        payment (point of sale, invoice paid with points): the daily entry
        books only the difference between the points' value and the money the
        payment booked (the entry's ``amount``). Extended by the addons that
        add such payments."""
        return []

    @api.model
    def _loyalty_unsettled_sql(self):
        """SQL condition on a paid source's entry ``e``: the payment that
        books its value is not on the books yet (an open point of sale
        session). Extended by the addons that add such payments."""
        return SQL("FALSE")
