"""The Points liability report as at a date (a month end): per clinic, the
points outstanding at that date, the liability account's balance at that
date and the reconciling items known then."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools.programme import POINT_VALUE_DIGITS


class ClinicLoyaltyLiabilityAsat(models.TransientModel):
    _name = "clinic.loyalty.liability.asat"
    _description = "Loyalty points liability as at a date"

    date = fields.Date(string="As at", required=True, default=lambda self: self._default_date())
    line_ids = fields.One2many(
        "clinic.loyalty.liability.asat.line", "wizard_id", string="Clinics", readonly=True
    )

    @api.model
    def _default_date(self):
        """The last month end."""
        return fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        companies = self.env.companies
        self.env["clinic.loyalty.liability.asat.line"].create(
            [{"wizard_id": self.id, **row} for row in self._rows(self.date, companies.ids)]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Points liability as at %(date)s", date=self.date),
        }

    @api.model
    def _rows(self, date, company_ids):
        """One dict per clinic as at the end of ``date`` (one query). Under
        the deferred-revenue method, ``liability`` is the deferred revenue
        account's balance and ``difference`` compares it with what the daily
        entries left to recognise."""
        self.env.flush_all()
        end = fields.Datetime.to_datetime(date) + relativedelta(days=1)
        self.env.cr.execute(
            SQL(
                """
            WITH acc AS (
                SELECT e.company_id, e.account_id, SUM(e.points) AS points,
                       SUM(e.points) FILTER (WHERE d.date <= %(date)s) AS booked
                  FROM clinic_loyalty_entry e
                  LEFT JOIN clinic_loyalty_move_link k ON k.entry_id = e.id
                  LEFT JOIN clinic_loyalty_daily_move d ON d.id = k.daily_move_id
                 WHERE e.date < %(end)s AND e.company_id = ANY(%(companies)s)
                 GROUP BY e.company_id, e.account_id
            ), held AS (
                SELECT r.company_id, SUM(r.points) AS points FROM clinic_loyalty_reward_request r
                 WHERE r.create_date < %(end)s AND (r.state = 'pending' OR r.done_date >= %(end)s)
                 GROUP BY r.company_id
            ), c AS (
                SELECT co.id AS company_id, co.currency_id, cur.decimal_places AS places,
                       COALESCE((SELECT d.point_value FROM clinic_loyalty_daily_move d
                                  WHERE d.company_id = co.id AND d.date <= %(date)s
                                  ORDER BY d.date DESC, d.id DESC LIMIT 1), co.loyalty_point_value) AS v,
                       COALESCE(a.pos, 0) AS pos, COALESCE(a.neg, 0) AS neg, COALESCE(a.bpos, 0) AS bpos,
                       COALESCE((SELECT points FROM held WHERE held.company_id = co.id), 0) AS held,
                       co.loyalty_books_method = 'deferral' AS deferral,
                       COALESCE((SELECT d.deferred_allocated - d.deferred_revenue - d.deferred_breakage
                                   FROM clinic_loyalty_daily_move d
                                  WHERE d.company_id = co.id AND d.date <= %(date)s
                                  ORDER BY d.date DESC, d.id DESC LIMIT 1), 0) AS deferred_left,
                       -- under deferral: the deferred revenue account
                       -COALESCE((SELECT SUM(l.balance) FROM account_move_line l
                                   WHERE l.company_id = co.id
                                     AND l.account_id = CASE WHEN co.loyalty_books_method = 'deferral'
                                                             THEN co.loyalty_deferred_account_id
                                                             ELSE co.loyalty_liability_account_id END
                                     AND l.parent_state = 'posted' AND l.date <= %(date)s), 0) AS liability
                  FROM res_company co JOIN res_currency cur ON cur.id = co.currency_id
                  LEFT JOIN (SELECT company_id, SUM(GREATEST(points, 0)) AS pos, SUM(LEAST(points, 0)) AS neg,
                                    SUM(GREATEST(booked, 0)) AS bpos
                               FROM acc GROUP BY company_id) a ON a.company_id = co.id
                 WHERE co.id = ANY(%(companies)s) AND co.loyalty_point_value > 0
            )
            SELECT company_id, currency_id, pos, v,
                   ROUND((pos * v)::numeric, places), neg, ROUND((neg * v)::numeric, places),
                   held, ROUND((held * v)::numeric, places),
                   ROUND(((pos + held - bpos) * v)::numeric, places), liability,
                   ROUND((CASE WHEN deferral THEN deferred_left ELSE bpos * v END - liability)::numeric,
                         places)
              FROM c ORDER BY company_id
        """,
                date=date,
                end=end,
                companies=list(company_ids),
            )
        )
        keys = (
            "company_id",
            "currency_id",
            "points",
            "point_value",
            "value",
            "negative_points",
            "negative_value",
            "pending_points",
            "pending_value",
            "unbooked_value",
            "liability",
            "difference",
        )
        return [dict(zip(keys, row, strict=True)) for row in self.env.cr.fetchall()]


class ClinicLoyaltyLiabilityAsatLine(models.TransientModel):
    _name = "clinic.loyalty.liability.asat.line"
    _description = "Loyalty points liability of a clinic as at a date"

    wizard_id = fields.Many2one("clinic.loyalty.liability.asat", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    points = fields.Integer(string="Outstanding points", readonly=True)
    point_value = fields.Float(string="Value of one point", digits=POINT_VALUE_DIGITS, readonly=True)
    value = fields.Monetary(string="Value of the points", readonly=True)
    negative_points = fields.Integer(string="Points owed by clients", readonly=True)
    negative_value = fields.Monetary(string="Value owed by clients", readonly=True)
    pending_points = fields.Integer(string="Held by pending requests", readonly=True)
    pending_value = fields.Monetary(string="Pending requests", readonly=True)
    unbooked_value = fields.Monetary(string="Not booked by then", readonly=True)
    liability = fields.Monetary(string="Liability balance", readonly=True)
    difference = fields.Monetary(readonly=True)
