"""Cut-off and held points of the daily entry: the nightly run books
yesterday's events on yesterday's date (the first open date when that period
is locked, said in the entry), and the points a pending reward request holds
stay on the books until the reward is handed over (or the request refused)."""
# The scope of a run is its own idea (loyalty_daily_move.py books):
# pylint: disable=consider-merging-classes-inherited

from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.tools import SQL


class ClinicLoyaltyDailyMove(models.Model):
    _inherit = "clinic.loyalty.daily.move"

    @api.model
    def _loyalty_open_date(self, company, date):
        """``date``, or the first day after the clinic's lock date for the
        loyalty journal, with the sentence that says so."""
        lock = company._get_user_fiscal_lock_date(company.loyalty_journal_id)
        if lock and date <= lock:
            opened = lock + timedelta(days=1)
            return opened, _(
                " (events of %(date)s: that period is locked, booked on the first open date)",
                date=fields.Date.to_string(date),
            )
        return date, ""

    @api.model
    def _book_company(self, company, date):
        if not self.env.context.get("loyalty_cutoff"):
            return super()._book_company(company, date)
        # ``date`` is today for the clinic: book what happened before it.
        tz = pytz.timezone(company.partner_id.tz or self.env.user.tz or "UTC")
        until = tz.localize(datetime.combine(date, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        day, note = self._loyalty_open_date(company, date - timedelta(days=1))
        return super(
            ClinicLoyaltyDailyMove,
            self.with_context(loyalty_cutoff=False, loyalty_until=until, loyalty_ref_note=note),
        )._book_company(company, day)

    @api.model
    def _loyalty_held_sql(self):
        """SQL condition on the entry ``e``: its points are held by a reward
        request still pending (not booked as spent until handed over)."""
        return SQL(
            """(e.res_model = 'clinic.loyalty.reward.request' AND EXISTS (
                   SELECT 1 FROM clinic_loyalty_reward_request r
                    WHERE r.id = e.res_id AND r.state = 'pending'))"""
        )

    @api.model
    def _loyalty_booking_scope_sql(self, company):
        scope = SQL("%s AND NOT %s", super()._loyalty_booking_scope_sql(company), self._loyalty_held_sql())
        until = self.env.context.get("loyalty_until")
        if until:
            scope = SQL("%s AND e.date < %s", scope, until)
        return scope
