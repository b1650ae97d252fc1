"""Unbooking a daily entry (its move reset, cancelled, reversed or deleted by
an accounting manager): its ledger entries lose their link and the next run
books them again, at the value of that day."""
# The way back off the books is its own idea (loyalty_daily_move.py books):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DEFERRAL_COLUMNS = (
    "deferred_allocated",
    "deferred_earned",
    "deferred_redeemed",
    "deferred_expired",
    "deferred_revenue",
    "deferred_breakage",
)


class ClinicLoyaltyDailyMove(models.Model):
    _inherit = "clinic.loyalty.daily.move"

    def _loyalty_unbook(self):
        """Forget these days: their links go (the entries are unbooked), the
        points they booked leave the later days' running total. Refused, with
        what to do, when a revaluation stands between the day and today (the
        points would stay on the books at a value no run knows of)."""
        for daily in self.sorted(lambda d: (d.date, d.id), reverse=True):
            rows = self.sudo().search([("company_id", "=", daily.company_id.id)], order="date, id")
            position = list(rows).index(daily)
            previous = rows[position - 1] if position else self.browse()
            later = rows[position + 1 :]
            revalued = any(row.point_value != daily.point_value for row in later) or (
                later and previous and previous.point_value != daily.point_value
            )
            if revalued:
                raise UserError(
                    _(
                        "The loyalty entry of %(date)s cannot leave the books alone: the value of a point "
                        "changed after it. Reverse the later loyalty entries first, from the newest.",
                        date=daily.date,
                    )
                )
            points = daily.booked_points - (previous.booked_points if previous else 0)
            owed = daily.negative_points - (previous.negative_points if previous else 0)
            self.env.flush_all()
            if later:
                self.env.cr.execute(
                    SQL(
                        """UPDATE clinic_loyalty_daily_move
                              SET booked_points = booked_points - %s, negative_points = negative_points - %s
                            WHERE id = ANY(%s)""",
                        points,
                        owed,
                        later.ids,
                    )
                )
                # The deferral's running totals lose the day's share too.
                self.env.cr.execute(
                    SQL(
                        "UPDATE clinic_loyalty_daily_move SET %s WHERE id = ANY(%s)",
                        SQL(", ").join(
                            SQL(
                                "%s = %s - %s",
                                SQL.identifier(column),
                                SQL.identifier(column),
                                (daily[column] or 0) - ((previous[column] or 0) if previous else 0),
                            )
                            for column in DEFERRAL_COLUMNS
                        ),
                        later.ids,
                    )
                )
            self.env.cr.execute(SQL("DELETE FROM clinic_loyalty_daily_move WHERE id = %s", daily.id))
            daily.company_id.partner_id.sudo().message_post(
                body=_(
                    "Loyalty entry of %(date)s taken off the books by %(user)s: its %(points)s points are "
                    "booked again by the next daily entry.",
                    date=daily.date,
                    user=self.env.user.name,
                    points=points,
                )
            )
            self.env.invalidate_all()
