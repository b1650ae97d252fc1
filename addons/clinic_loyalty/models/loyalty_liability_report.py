"""The "Points liability" report: per clinic, the points clients hold, their
value, the liability account's balance, the reconciling items of timing (not
booked yet, not yet revalued, open point of sale sessions, pending reward
requests) and the difference, 0 unless the books really broke."""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import account_notices, books_sql
from ..tools.programme import POINT_VALUE_DIGITS

# The weekly check of balances and books logs under the accounts' logger, as
# it did when it lived there (what monitoring watches).
_logger = logging.getLogger(__name__.rsplit(".", 1)[0] + ".loyalty_account")


class ClinicLoyaltyLiabilityReport(models.Model):
    _name = "clinic.loyalty.liability.report"
    _description = "Loyalty points liability"
    _auto = False
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", string="Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    points = fields.Integer(string="Outstanding points", readonly=True, help="Positive balances only.")
    point_value = fields.Float(string="Value of one point", digits=POINT_VALUE_DIGITS, readonly=True)
    value = fields.Monetary(string="Value of the points", readonly=True)
    negative_points = fields.Integer(
        string="Points owed by clients",
        readonly=True,
        help="Balances below zero, shown apart: owed by those clients, they do not lower the liability.",
    )
    negative_value = fields.Monetary(string="Value owed by clients", readonly=True)
    pending_points = fields.Integer(
        string="Held by pending requests",
        readonly=True,
        help="Points of reward requests not handed over yet: still owed, still on the liability.",
    )
    pending_value = fields.Monetary(string="Pending requests", readonly=True)
    unbooked_value = fields.Monetary(
        string="Not booked yet",
        readonly=True,
        help="What the next daily journal entry books: the entries posted since the last one.",
    )
    not_revalued = fields.Monetary(
        string="Not yet revalued",
        readonly=True,
        help="The booked points at the new value of a point less at the value they were booked at: the "
        "next daily entry revalues them.",
    )
    open_sessions = fields.Monetary(
        string="Open POS sessions",
        readonly=True,
        help="Points payments of sessions not closed yet: the liability carries them until the closing "
        "entry debits it.",
    )
    liability_account_id = fields.Many2one("account.account", string="Liability account", readonly=True)
    liability = fields.Monetary(
        string="Liability balance", readonly=True, help="Credit balance, posted entries."
    )
    difference = fields.Monetary(
        readonly=True,
        help="Value of the points + pending requests − not booked yet − not yet revalued + open POS "
        "sessions − liability balance: 0 unless an entry on the liability account does not come from "
        "the points.",
    )

    # The weekly balance check also proves the books: a clinic whose liability
    # account does not carry the value of its booked points is reported.
    @api.model
    def _loyalty_check_books(self):
        for company, difference in self._drift(self.env["res.company"]):
            _logger.warning(
                "Loyalty liability drift at %s (%s): the liability account is off the points' value by %s",
                company.id,
                company.name,
                difference,
            )
            company.partner_id.message_post(
                body=account_notices.books_note(self.env, company.currency_id.format(difference)),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _drift(self, companies):
        """[(company, difference)] for the clinics (all when ``companies`` is
        empty) whose liability account does not carry the value of their
        booked points."""
        self.env.flush_all()
        report = self.sudo()
        report.invalidate_model()
        rows = report.search([("company_id", "in", companies.ids)] if companies else [])
        drift = []
        for row in rows:
            # under deferral: the deferred revenue account against what is left to recognise
            company = row.company_id
            difference = (
                self._deferral_drift(company)
                if company.loyalty_books_method == "deferral"
                else row.difference
            )
            if not row.currency_id.is_zero(difference):
                drift.append((company, difference))
        return drift

    @api.model
    def _deferral_drift(self, company):
        """Deferred revenue account less what the daily entries left to
        recognise (allocated - recognised): 0 unless booked by hand."""
        if not company.loyalty_deferred_account_id:
            return 0.0
        last = self.env["clinic.loyalty.daily.move"].sudo().search([("company_id", "=", company.id)], limit=1)
        held = company._loyalty_liability_balance(company.loyalty_deferred_account_id)
        return company.currency_id.round(
            held + last.deferred_allocated - last.deferred_revenue - last.deferred_breakage
        )

    @property
    def _table_query(self):
        Entry = self.env["clinic.loyalty.entry"]
        paid = Entry._loyalty_paid_sources() or [""]
        unsettled = Entry._loyalty_unsettled_sql()
        held = books_sql.held()
        return SQL(
            """
            WITH booked AS (
                SELECT e.company_id, e.account_id, SUM(e.points) AS points
                  FROM clinic_loyalty_entry e JOIN clinic_loyalty_move_link k ON k.entry_id = e.id
                 GROUP BY e.company_id, e.account_id
            ), booked_c AS (
                SELECT company_id, SUM(GREATEST(points, 0)) AS points FROM booked GROUP BY company_id
            ), bal AS (
                SELECT company_id, SUM(GREATEST(balance, 0)) AS pos, SUM(LEAST(balance, 0)) AS neg
                  FROM clinic_loyalty_account GROUP BY company_id
            ), side AS (
                SELECT e.company_id,
                       SUM(CASE WHEN k.entry_id IS NULL AND %(held)s THEN -e.points ELSE 0 END) AS held,
                       SUM(CASE WHEN k.entry_id IS NOT NULL AND %(is_paid)s AND %(unsettled)s
                                THEN SIGN(e.points) * ABS(COALESCE(e.amount, 0)) ELSE 0 END)
                           AS booked_unsettled,
                       SUM(CASE WHEN k.entry_id IS NULL AND %(is_paid)s AND NOT %(unsettled)s
                                THEN SIGN(e.points) * ABS(COALESCE(e.amount, 0)) ELSE 0 END)
                           AS unbooked_settled
                  FROM clinic_loyalty_entry e
                  LEFT JOIN clinic_loyalty_move_link k ON k.entry_id = e.id
                 WHERE k.entry_id IS NULL OR (%(is_paid)s AND %(unsettled)s)
                 GROUP BY e.company_id
            ), l AS (
                SELECT company_id, account_id, SUM(balance) AS balance FROM account_move_line
                 WHERE parent_state = 'posted' GROUP BY company_id, account_id
            ), r AS (
                SELECT c.id AS company_id, c.currency_id, cur.decimal_places AS places,
                       c.loyalty_point_value AS v, c.loyalty_liability_account_id,
                       c.loyalty_books_method = 'deferral' AS deferral,
                       COALESCE(bal.pos, 0) AS pos, COALESCE(bal.neg, 0) AS neg,
                       COALESCE(side.held, 0) AS held,
                       COALESCE(booked_c.points, 0) AS bpos,
                       COALESCE((SELECT d.point_value FROM clinic_loyalty_daily_move d
                                  WHERE d.company_id = c.id ORDER BY d.date DESC, d.id DESC LIMIT 1),
                                c.loyalty_point_value) AS v0,
                       ROUND((-COALESCE(side.booked_unsettled, 0))::numeric, cur.decimal_places)
                           AS open_sessions,
                       COALESCE(side.unbooked_settled, 0) AS unbooked_settled,
                       -COALESCE(l.balance, 0) AS liability
                  FROM res_company c
                  JOIN res_currency cur ON cur.id = c.currency_id
                  LEFT JOIN bal ON bal.company_id = c.id
                  LEFT JOIN booked_c ON booked_c.company_id = c.id
                  LEFT JOIN side ON side.company_id = c.id
                  LEFT JOIN l ON l.company_id = c.id AND l.account_id = c.loyalty_liability_account_id
                 WHERE c.loyalty_point_value > 0 OR c.loyalty_liability_account_id IS NOT NULL
            ), x AS (
                -- under deferral the points are on the deferred revenue account
                -- (weekly check): the liability only carries payments not cleared yet
                SELECT r.*, ROUND((CASE WHEN r.deferral THEN 0 ELSE r.bpos * r.v0 END + r.open_sessions
                                   + r.unbooked_settled)::numeric, r.places) AS expected
                  FROM r
            )
            SELECT company_id AS id, company_id, currency_id,
                   pos AS points, v AS point_value, ROUND((pos * v)::numeric, places) AS value,
                   neg AS negative_points, ROUND((neg * v)::numeric, places) AS negative_value,
                   held AS pending_points, ROUND((held * v)::numeric, places) AS pending_value,
                   CASE WHEN deferral THEN 0 ELSE ROUND((bpos * (v - v0))::numeric, places) END
                       AS not_revalued,
                   open_sessions,
                   CASE WHEN deferral THEN 0
                        ELSE ROUND(((pos + held) * v - ROUND((bpos * (v - v0))::numeric, places)
                                    + open_sessions - expected)::numeric, places) END AS unbooked_value,
                   loyalty_liability_account_id AS liability_account_id,
                   liability,
                   ROUND((expected - liability)::numeric, places) AS difference
              FROM x
            """,
            held=held,
            is_paid=SQL(
                "(e.kind IN ('redemption', 'refund') AND COALESCE(e.res_model = ANY(%s), FALSE))", paid
            ),
            unsettled=unsettled,
        )
