"""The daily journal entry of a clinic's points: one account.move per clinic
per day in the loyalty journal, covering every ledger entry not booked yet."""

import logging
from datetime import datetime, time, timedelta

import pytz
from psycopg2 import InterfaceError, OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_is_zero

from ..tools import books_sql
from ..tools.loyalty_deferral import DEFERRAL_COLUMNS, DeferralState, deferral_day
from ..tools.programme import POINT_VALUE_DIGITS
from .loyalty_account import MAX_POINTS

_logger = logging.getLogger(__name__)

# What each kind of entry is booked against, besides the liability account.
BREAKAGE_KINDS = ("expiry",)

PAID_KINDS = ("redemption", "refund")


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

    _sql_constraints = [
        (
            "company_date_uniq",
            "unique(company_id, date)",
            "The clinic's points of this day are already booked.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS clinic_loyalty_move_link_entry_uniq
                   ON clinic_loyalty_move_link (entry_id);
               -- the relation's own (entry_id, daily_move_id) index is
               -- redundant with the unique one: one index less per entry booked
               DROP INDEX IF EXISTS clinic_loyalty_move_link_entry_id_daily_move_id_idx;"""
        )

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
        self.env.cr.execute(
            books_sql.pick_entries(
                daily.id, company.id, PAID_KINDS, paid, self._loyalty_booking_scope_sql(company)
            )
        )
        groups = self.env.cr.fetchall()
        points = sum(g[2] for g in groups)
        if abs(booked + points) > MAX_POINTS:
            raise UserError(
                _(
                    "%(points)s points cannot be booked for %(clinic)s: the books hold at most %(max)s "
                    "points.",
                    points=booked + points,
                    clinic=company.name,
                    max=MAX_POINTS,
                )
            )
        if company.loyalty_books_method == "deferral":
            lines = self._loyalty_deferral_lines(company, daily, groups, value)
        else:
            lines = self._move_lines(company, groups, value)
            if booked and last_value != value:
                lines += self._revaluation_lines(company, booked, last_value, value)
        lines += self._loyalty_extra_lines(company, daily, last_value, value)
        self.env.cr.execute(
            SQL(
                "UPDATE clinic_loyalty_daily_move SET booked_points = %s WHERE id = %s",
                booked + points,
                daily.id,
            )
        )
        daily.invalidate_recordset(["booked_points"])
        if not groups and not lines:
            # Nothing to book: the day stays open for entries posted later.
            self.env.cr.execute(SQL("DELETE FROM clinic_loyalty_daily_move WHERE id = %s", daily.id))
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
                    "ref": _("Loyalty points of %(date)s", date=fields.Date.to_string(date))
                    + self.env.context.get("loyalty_ref_note", ""),
                    "line_ids": [fields.Command.create(line) for line in lines],
                }
            )
        )
        move.action_post()
        daily.sudo().move_id = move
        return move

    @api.model
    def _move_lines(self, company, groups, value):
        """Two lines per group of entries: the liability and its counterpart.
        ``groups``: (kind, paid source?, points, money the payment booked, count)."""
        labels = dict(self.env["clinic.loyalty.entry"]._fields["kind"]._description_selection(self.env))
        currency = company.currency_id
        lines = []
        for kind, paid, points, paid_amount, count in groups:
            # Credit to the liability: the points' value, less what a payment
            # already booked on it (paid sources: only the difference).
            credit = currency.round(points * value - (paid_amount if paid else 0.0))
            if float_is_zero(credit, precision_rounding=currency.rounding):
                continue
            other = (
                company.loyalty_breakage_account_id
                if kind in BREAKAGE_KINDS
                else company.loyalty_earned_account_id
            )
            label = _(
                "%(kind)s: %(points)s points (%(count)s entries)",
                kind=labels.get(kind, kind),
                points=points,
                count=count,
            )
            if paid:
                label = _("%(label)s, difference with the payments", label=label)
            lines += [
                {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": -credit},
                {"name": label, "account_id": other.id, "balance": credit},
            ]
        return lines

    @api.model
    def _revaluation_lines(self, company, points, old_value, new_value):
        credit = company.currency_id.round(points * (new_value - old_value))
        if company.currency_id.is_zero(credit):
            return []
        label = _(
            "Revaluation of %(points)s outstanding points from %(old)s to %(new)s a point",
            points=points,
            old=old_value,
            new=new_value,
        )
        return [
            {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": -credit},
            {"name": label, "account_id": company.loyalty_earned_account_id.id, "balance": credit},
        ]

    # The deferred-revenue method (issue 20): running totals after the day,
    # the arithmetic in tools/loyalty_deferral.py.
    deferred_allocated = fields.Float(readonly=True, help="Revenue allocated to points so far.")
    deferred_earned = fields.Integer(readonly=True, help="Points earned so far under deferral.")
    deferred_redeemed = fields.Integer(readonly=True, help="Points redeemed so far under deferral.")
    deferred_expired = fields.Integer(readonly=True, help="Points expired so far under deferral.")
    deferred_revenue = fields.Float(readonly=True, help="Deferred revenue recognised on redemption so far.")
    deferred_breakage = fields.Float(readonly=True, help="Expected breakage recognised so far.")
    deferred_rate = fields.Float(readonly=True, help="Expected redemption rate (%) the day was booked at.")

    @api.model
    def _loyalty_deferral_lines(self, company, daily, groups, value):
        """The lines of the deferred-revenue method: the day's allocation,
        the recognition on redemption (with expected breakage), the true-up
        of a changed rate, and the points payments cleared off the liability
        (the invoice paid in points is revenue only through the deferral)."""
        company._loyalty_deferral_setup()
        columns = DeferralState._fields
        self.env.cr.execute(
            SQL(
                """SELECT deferred_rate, %s FROM clinic_loyalty_daily_move
                    WHERE company_id = %s AND id != %s ORDER BY date DESC, id DESC LIMIT 1""",
                SQL(", ").join(SQL.identifier(f"deferred_{name}") for name in columns),
                company.id,
                daily.id,
            )
        )
        row = self.env.cr.fetchone()
        state = DeferralState(*[x or 0 for x in row[1:]]) if row else DeferralState()
        rate = company.loyalty_redemption_rate
        sales, free, redeemed, expired, cleared = [], 0, 0, 0, 0.0
        for kind, paid, points, amount, _count in groups:
            if kind in PAID_KINDS:
                redeemed -= points
                cleared += amount if paid else 0.0
            elif kind in BREAKAGE_KINDS:
                expired -= points
            elif kind == "adjustment":
                free += points
            else:
                sales.append((amount, points))
        digits = company.currency_id.decimal_places
        true_up = deferral_day(state, [], 0, 0, 0, value, rate / 100, digits)
        day = deferral_day(true_up.state, sales, free, redeemed, expired, value, rate / 100, digits)
        self.env.cr.execute(
            SQL(
                "UPDATE clinic_loyalty_daily_move SET deferred_rate = %s, %s WHERE id = %s",
                rate,
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(f"deferred_{name}"), day.state[i])
                    for i, name in enumerate(columns)
                ),
                daily.id,
            )
        )
        daily.invalidate_recordset()
        deferred = company.loyalty_deferred_account_id.id
        old_rate = row[0] if row else rate
        revenue = company.loyalty_revenue_account_id
        breakage = company.loyalty_breakage_account_id
        entries = [
            (
                true_up.revenue,
                revenue,
                _(
                    "True-up of the revenue of redeemed points (rate %(old)s%% → %(new)s%%)",
                    old=old_rate,
                    new=rate,
                ),
            ),
            (
                true_up.breakage,
                breakage,
                _("True-up of the expected breakage (rate %(old)s%% → %(new)s%%)", old=old_rate, new=rate),
            ),
            (
                -day.sales,
                revenue,
                _("Revenue allocated to the points earned on sales (rate %(new)s%%)", new=rate),
            ),
            (
                -day.free,
                company.loyalty_earned_account_id,
                _("Points given without a sale, at their standalone value (rate %(new)s%%)", new=rate),
            ),
            (day.revenue, revenue, _("Deferred revenue of the points redeemed")),
            (day.breakage, breakage, _("Expected breakage, in proportion to the points redeemed")),
        ]
        lines = []
        for amount, account, label in entries:
            if company.currency_id.is_zero(amount):
                continue
            lines += [
                {"name": label, "account_id": deferred, "balance": amount},
                {"name": label, "account_id": account.id, "balance": -amount},
            ]
        cleared = company.currency_id.round(cleared)
        if not company.currency_id.is_zero(cleared):
            label = _("Points payments: paid with deferred revenue, not with cash")
            lines += [
                {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": cleared},
                {"name": label, "account_id": company.loyalty_revenue_account_id.id, "balance": -cleared},
            ]
        return lines

    @api.model
    def action_post_daily_entries(self):
        """Post today's entries now (Loyalty Managers and accountants)."""
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("clinic_loyalty.group_loyalty_manager")
            or user.has_group("account.group_account_manager")
        ):
            raise AccessError(_("Only Loyalty Managers and accountants post the loyalty journal entries."))
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
    # Cut-off and held points of the daily entry: the nightly run books
    # yesterday's events on yesterday's date (the first open date when that period
    # is locked, said in the entry), and the points a pending reward request holds
    # stay on the books until the reward is handed over (or the request refused).
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
        """SQL condition on the entry ``e``: which unbooked entries this run
        books (not those a pending request holds, none after the cut-off)."""
        scope = SQL("NOT %s", self._loyalty_held_sql())
        until = self.env.context.get("loyalty_until")
        if until:
            scope = SQL("%s AND e.date < %s", scope, until)
        return scope

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
        lines = []
        self.env.cr.execute(
            SQL(
                """SELECT negative_points FROM clinic_loyalty_daily_move
                    WHERE company_id = %s AND id != %s ORDER BY date DESC, id DESC LIMIT 1""",
                company.id,
                daily.id,
            )
        )
        row = self.env.cr.fetchone()
        before = row[0] or 0 if row else 0
        now = self._loyalty_booked_negative(company)
        self.env.cr.execute(
            SQL("UPDATE clinic_loyalty_daily_move SET negative_points = %s WHERE id = %s", now, daily.id)
        )
        daily.invalidate_recordset(["negative_points"])
        if company.loyalty_books_method == "deferral":
            return lines  # no liability at face value to keep them off
        currency = company.currency_id
        # Move the owed points off the liability at today's value: the change
        # of the day, and the revaluation of those already owed.
        credit = currency.round((before - now) * value + (-before) * (value - old_value))
        if currency.is_zero(credit):
            return lines
        company._loyalty_negative_account_setup()
        label = _(
            "Points owed by clients (balances below zero): %(points)s points",
            points=-now,
        )
        return lines + [
            {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": -credit},
            {"name": label, "account_id": company.loyalty_negative_account_id.id, "balance": credit},
        ]
