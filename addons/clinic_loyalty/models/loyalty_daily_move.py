"""The daily journal entry of a clinic's points: one account.move per clinic
per day in the loyalty journal, covering every ledger entry not booked yet."""

import logging
from datetime import datetime, time, timedelta

import pytz
from psycopg2 import InterfaceError, OperationalError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import books_lines, books_sql, company_settings, deferral_lines
from ..tools.books_lines import PAID_KINDS
from ..tools.programme import POINT_VALUE_DIGITS
from .loyalty_account import MAX_POINTS

_logger = logging.getLogger(__name__)

DAY_BOOKED = "The clinic's points of this day are already booked."


class ClinicLoyaltyDailyMove(models.Model):
    """One day of a clinic's points on the books.

    ``unique(company_id, date)`` makes the day's run happen once: a second
    run the same day (or a concurrent one, which waits on the unique index)
    books nothing; entries posted after the day's run are booked the next day.
    The row, its links and its move commit together, so a run killed at any
    point leaves the day either fully booked or untouched.
    """

    _name = "clinic.loyalty.daily.move"
    _description = "Loyalty daily journal entry"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    move_id = fields.Many2one("account.move", string="Journal entry", readonly=True, index=True)
    point_value = fields.Float(
        string="Value of one point",
        digits=POINT_VALUE_DIGITS,
        readonly=True,
        help="The value the day's entries were booked at.",
    )
    booked_points = fields.Integer(
        readonly=True, help="Points on the books after this day: the liability is booked_points × value."
    )
    # The ledger is append-only: which move booked an entry is a row of this
    # relation (one per entry, unique), never a column of the entry.
    entry_ids = fields.Many2many(
        "clinic.loyalty.entry",
        "clinic_loyalty_move_link",
        "daily_move_id",
        "entry_id",
        string="Entries covered",
        readonly=True,
    )

    _sql_constraints = [("company_date_uniq", "unique(company_id, date)", DAY_BOOKED)]

    def init(self):
        self.env.cr.execute(books_sql.link_index())

    @api.model
    def _run_daily_moves(self, date=None, commit=False):
        """Book the unbooked entries of every clinic that values its points;
        returns the moves posted. ``commit``: one transaction per clinic (cron)."""
        moves = self.env["account.move"]
        companies = self.env["res.company"].sudo().search([("loyalty_point_value", ">", 0)])
        for company in companies:
            day = date or fields.Date.context_today(self.with_company(company))
            try:
                with self.env.cr.savepoint():
                    moves |= self._book_company(company, day)
            except (OperationalError, InterfaceError):
                raise  # the database, not the clinic: the cron runs again
            except Exception as error:  # noqa: BLE001 - one clinic never stops the others
                # A clinic whose books refuse the move (a lock date, an amount
                # out of range) keeps its entries for the next run; the other
                # clinics are booked.
                _logger.warning("Loyalty daily entry of %s not posted: %s", company.name, error)
                self.env.invalidate_all()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return moves

    @api.model
    def _book_company(self, company, date):
        """The day's move of ``company``: one INSERT of the day row (nothing
        when the day is booked already), one INSERT ... RETURNING of the links
        with the aggregate of what they cover, then the move. With the
        ``loyalty_cutoff`` context, ``date`` is today for the clinic: the
        move books what happened before it (see ``_loyalty_open_date``)."""
        if self.env.context.get("loyalty_cutoff"):
            tz = pytz.timezone(company.partner_id.tz or self.env.user.tz or "UTC")
            until = tz.localize(datetime.combine(date, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            day, note = self._loyalty_open_date(company, date - timedelta(days=1))
            return self.with_context(
                loyalty_cutoff=False, loyalty_until=until, loyalty_ref_note=note
            )._book_company(company, day)
        company._loyalty_accounting_setup()
        if not (company.loyalty_journal_id and company.loyalty_liability_account_id):
            return self.env["account.move"]
        value = company.loyalty_point_value
        self.env.flush_all()
        self.env.cr.execute(books_sql.last_day(company.id))
        last = self.env.cr.fetchone()
        last_value, booked = (last[0], last[1]) if last else (value, 0)
        self.env.cr.execute(books_sql.insert_day(company.id, date, value, self.env.uid))
        row = self.env.cr.fetchone()
        if not row:
            return self.env["account.move"]
        daily = self.browse(row[0])
        paid = self.env["clinic.loyalty.entry"]._loyalty_paid_sources() or [""]
        scope = books_sql.booking_scope(self.env.context.get("loyalty_until"))
        self.env.cr.execute(books_sql.pick_entries(daily.id, company.id, PAID_KINDS, paid, scope))
        groups = self.env.cr.fetchall()
        points = sum(g[2] for g in groups)
        if abs(booked + points) > MAX_POINTS:
            raise UserError(books_lines.too_many_points(self.env, booked + points, company.name, MAX_POINTS))
        if company.loyalty_books_method == "deferral":
            lines = self._loyalty_deferral_lines(company, daily, groups, value)
        else:
            lines = books_lines.move_lines(self.env, company, groups, value)
            if booked and last_value != value:
                lines += books_lines.revaluation_lines(self.env, company, booked, last_value, value)
        lines += self._loyalty_extra_lines(company, daily, last_value, value)
        self.env.cr.execute(books_sql.set_booked(daily.id, booked + points))
        daily.invalidate_recordset(["booked_points"])
        if not groups and not lines:
            # Nothing to book: the day stays open for entries posted later.
            self.env.cr.execute(books_sql.delete_day(daily.id))
            daily.invalidate_recordset()
            return self.env["account.move"]
        if not lines:
            return self.env["account.move"]
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company.loyalty_journal_id.id,
                    "date": date,
                    "ref": books_lines.move_ref(self.env, date, self.env.context.get("loyalty_ref_note", "")),
                    "line_ids": [fields.Command.create(line) for line in lines],
                }
            )
        )
        move.action_post()
        daily.sudo().move_id = move
        return move

    @api.model
    def action_post_daily_entries(self):
        """Post today's entries now (Loyalty Managers and accountants)."""
        if not company_settings.may_edit_accounting(self.env):
            raise AccessError(books_lines.post_denied(self.env))
        companies = self.env.companies.filtered(lambda c: c.loyalty_point_value > 0)
        moves = self.env["account.move"]
        for company in companies.sudo():
            moves |= self.sudo()._book_company(company, fields.Date.context_today(self.with_company(company)))
        return moves

    @api.model
    def _cron_post_daily_entries(self):
        # Each night books yesterday's events, dated yesterday (cut-off).
        moves = self.with_context(loyalty_cutoff=True)._run_daily_moves(commit=True)
        _logger.info("Loyalty daily entries: %s journal entries posted", len(moves))
        return moves

    # --- cutoff ---
    # The nightly run books yesterday's events on yesterday's date (the first
    # open date when that period is locked, said in the entry); the points a
    # pending reward request holds stay on the books (``books_sql.held``).
    @api.model
    def _loyalty_open_date(self, company, date):
        """``date``, or the first day after the clinic's lock date for the
        loyalty journal, with the sentence that says so."""
        lock = company._get_user_fiscal_lock_date(company.loyalty_journal_id)
        if lock and date <= lock:
            opened = lock + timedelta(days=1)
            return opened, books_lines.locked_note(self.env, date)
        return date, ""

    # --- unbook ---
    # Unbooking a daily entry (its move reset, cancelled, reversed or deleted by
    # an accounting manager): its ledger entries lose their link and the next run
    # books them again, at the value of that day.
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
                raise UserError(books_lines.unbook_revalued(self.env, daily.date))
            points = daily.booked_points - (previous.booked_points if previous else 0)
            owed = daily.negative_points - (previous.negative_points if previous else 0)
            self.env.flush_all()
            if later:
                self.env.cr.execute(books_sql.unbook_later(later.ids, points, owed))
                # the deferral's running totals lose the day's share too
                self.env.cr.execute(deferral_lines.unbook_later_sql(later.ids, daily, previous))
            self.env.cr.execute(books_sql.delete_day(daily.id))
            daily.company_id.partner_id.sudo().message_post(
                body=books_lines.unbooked_note(self.env, daily.date, self.env.user.name, points)
            )
            self.env.invalidate_all()

    # --- negative ---
    # Negative balances are not netted: a client whose credit note left them
    # below zero owes points, which is no reduction of the liability owed to the
    # others. The daily entry keeps the booked negative points on their own
    # account ("Loyalty points owed by clients"), so the liability account carries
    # the positive balances only.
    negative_points = fields.Integer(
        readonly=True,
        help="Booked points of the clients below zero after this day (0 or less): on the account of the "
        "points owed by clients, not on the liability.",
    )

    @api.model
    def _loyalty_booked_negative(self, company):
        """Sum of the negative booked balances of ``company``'s accounts: the
        balance less the entries not booked yet (a day's worth), so the run
        never reads the whole ledger."""
        self.env.cr.execute(books_sql.booked_negative(company.id))
        return self.env.cr.fetchone()[0]

    @api.model
    def _loyalty_extra_lines(self, company, daily, old_value, value):
        """More lines of the day's move ``daily``: the negative balances kept
        apart."""
        self.env.cr.execute(books_sql.previous_negative(company.id, daily.id))
        row = self.env.cr.fetchone()
        before = row[0] or 0 if row else 0
        now = self._loyalty_booked_negative(company)
        self.env.cr.execute(books_sql.set_negative(daily.id, now))
        daily.invalidate_recordset(["negative_points"])
        credit = books_lines.negative_credit(company, before, now, old_value, value)
        # (under deferral, no liability at face value to keep them off)
        if company.currency_id.is_zero(credit) or company.loyalty_books_method == "deferral":
            return []
        company._loyalty_negative_account_setup()
        label = books_lines.negative_label(self.env, now)
        return books_lines.pair(company, label, credit, company.loyalty_negative_account_id)

    # --- deferred revenue: running totals after the day (tools/deferral_lines.py) ---
    deferred_allocated = fields.Float(readonly=True, help="Revenue allocated to points so far.")
    deferred_earned = fields.Integer(readonly=True, help="Points earned so far under deferral.")
    deferred_redeemed = fields.Integer(readonly=True, help="Points redeemed so far under deferral.")
    deferred_expired = fields.Integer(readonly=True, help="Points expired so far under deferral.")
    deferred_revenue = fields.Float(readonly=True, help="Deferred revenue recognised on redemption so far.")
    deferred_breakage = fields.Float(readonly=True, help="Expected breakage recognised so far.")
    deferred_rate = fields.Float(readonly=True, help="Expected redemption rate (%) the day was booked at.")

    @api.model
    def _loyalty_deferral_lines(self, company, daily, groups, value):
        """The day's lines under the deferred-revenue method; the running
        totals are kept on ``daily``."""
        company._loyalty_deferral_setup()
        self.env.cr.execute(deferral_lines.previous_state_sql(company.id, daily.id))
        state, lines = deferral_lines.deferral_lines(self.env, company, self.env.cr.fetchone(), groups, value)
        self.env.cr.execute(deferral_lines.save_state_sql(daily.id, company.loyalty_redemption_rate, state))
        daily.invalidate_recordset()
        return lines
