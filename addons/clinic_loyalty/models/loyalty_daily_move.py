"""The daily journal entry of a clinic's points: one account.move per clinic
per day in the loyalty journal, covering every ledger entry not booked yet."""

import logging

from psycopg2 import InterfaceError, OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_is_zero

from ..tools.loyalty_deferral import DeferralState, deferral_day
from .loyalty_account import MAX_POINTS
from .res_company_accounting import POINT_VALUE_DIGITS

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
        with the aggregate of what they cover, then the move."""
        company._loyalty_accounting_setup()
        if not (company.loyalty_journal_id and company.loyalty_liability_account_id):
            return self.env["account.move"]
        value = company.loyalty_point_value
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT point_value, booked_points FROM clinic_loyalty_daily_move
                    WHERE company_id = %s ORDER BY date DESC, id DESC LIMIT 1""",
                company.id,
            )
        )
        last = self.env.cr.fetchone()
        last_value, booked = (last[0], last[1]) if last else (value, 0)
        self.env.cr.execute(
            SQL(
                """INSERT INTO clinic_loyalty_daily_move
                       (company_id, date, point_value, booked_points, create_uid, write_uid,
                        create_date, write_date)
                   VALUES (%s, %s, %s, 0, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
                   ON CONFLICT (company_id, date) DO NOTHING RETURNING id""",
                company.id,
                date,
                value,
                self.env.uid,
                self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.env["account.move"]
        daily = self.browse(row[0])
        paid = self.env["clinic.loyalty.entry"]._loyalty_paid_sources() or [""]
        self.env.cr.execute(
            SQL(
                """
            WITH picked AS (
                INSERT INTO clinic_loyalty_move_link (entry_id, daily_move_id)
                SELECT e.id, %(daily)s
                  FROM clinic_loyalty_entry e
                 WHERE e.company_id = %(company)s
                   AND NOT EXISTS (SELECT 1 FROM clinic_loyalty_move_link l WHERE l.entry_id = e.id)
                   AND %(scope)s
                ON CONFLICT (entry_id) DO NOTHING
                RETURNING entry_id
            )
            SELECT e.kind,
                   e.kind IN %(paid_kinds)s AND COALESCE(e.res_model = ANY(%(paid)s), FALSE) AS paid,
                   SUM(e.points), SUM(SIGN(e.points) * ABS(COALESCE(e.amount, 0))), COUNT(*)
              FROM clinic_loyalty_entry e JOIN picked p ON p.entry_id = e.id
             GROUP BY 1, 2
        """,
                daily=daily.id,
                company=company.id,
                paid_kinds=PAID_KINDS,
                paid=paid,
                scope=self._loyalty_booking_scope_sql(company),
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
    def _loyalty_extra_lines(self, company, daily, old_value, value):
        """More lines of the day's move ``daily`` (extended: negative
        balances kept apart)."""
        return []

    @api.model
    def _loyalty_booking_scope_sql(self, company):
        """SQL condition on the entry ``e``: which unbooked entries this run
        books (extended: the cut-off, the requests still pending)."""
        return SQL("TRUE")

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
