"""The staff signals of the point of sale: each kind reads the orders and
refunds and feeds the one review of ``clinic.loyalty.signal``."""

from odoo import api, fields, models
from odoo.tools import SQL

POS_KINDS = [
    ("pos_refunds", "Refunds of sales that earned"),
    ("cashier_cluster", "Client's purchases with one cashier"),
    ("late_client", "Client set after payment"),
]


class ClinicLoyaltySignal(models.Model):
    _inherit = "clinic.loyalty.signal"

    kind = fields.Selection(selection_add=POS_KINDS, ondelete={k: "cascade" for k, _label in POS_KINDS})

    @api.model
    def _signal_presence_sql(self):
        return super()._signal_presence_sql() + [
            SQL(
                """SELECT COALESCE(p.commercial_partner_id, p.id), o.company_id,
                          (o.date_order AT TIME ZONE 'UTC')::date, 'pos.order', o.id
                     FROM pos_order o JOIN res_partner p ON p.id = o.partner_id
                    WHERE o.state IN ('paid', 'done', 'invoiced')"""
            )
        ]

    @api.model
    def _signal_find_pos_refunds(self, company, since, now):
        """Refunds and returns, per cashier and month, of sales that earned:
        from the threshold on and well above the clinic's refund rate."""
        rows = self._signal_fetch(
            SQL(
                """
            WITH refunds AS (
                SELECT DISTINCT r.id, r.user_id, r.date_order, ol.order_id AS original_id
                  FROM pos_order r
                  JOIN pos_order_line rl ON rl.order_id = r.id
                  JOIN pos_order_line ol ON ol.id = rl.refunded_orderline_id
                 WHERE r.company_id = %(company)s AND r.date_order >= %(since)s AND r.date_order < %(now)s
                   AND r.state IN ('paid', 'done', 'invoiced')
            )
            , sales AS (
                SELECT o.user_id, to_char(o.date_order, 'YYYY-MM') AS month, COUNT(*) AS n
                  FROM pos_order o
                 WHERE o.company_id = %(company)s AND o.date_order >= %(since)s AND o.date_order < %(now)s
                   AND o.state IN ('paid', 'done', 'invoiced') AND o.amount_total > 0
                 GROUP BY o.user_id, month
            ), per_cashier AS (
                SELECT f.user_id, to_char(f.date_order, 'YYYY-MM') AS month, COUNT(DISTINCT f.id) AS n,
                       array_agg(DISTINCT f.id) AS refund_ids, array_agg(DISTINCT e.id) AS entry_ids,
                       SUM(e.points) AS points, max(f.date_order)::date AS date
                  FROM refunds f
                  JOIN clinic_loyalty_entry e ON e.res_model = 'pos.order' AND e.res_id = f.original_id
                                             AND e.company_id = %(company)s AND e.kind = 'accrual'
                 GROUP BY f.user_id, month
            ), clinic AS (
                SELECT c.month, SUM(c.n) AS refunds,
                       (SELECT SUM(s.n) FROM sales s WHERE s.month = c.month) AS sales
                  FROM per_cashier c GROUP BY c.month
            )
            -- Flagged from the threshold on, when also over twice what the cashier's
            -- sales would give at the clinic's refund rate.
            SELECT c.*, COALESCE(s.n, 0) AS sales
              FROM per_cashier c
              JOIN clinic k ON k.month = c.month
              LEFT JOIN sales s ON s.user_id = c.user_id AND s.month = c.month
             WHERE c.n >= %(count)s
               AND c.n > 2.0 * COALESCE(s.n, 0) * k.refunds / GREATEST(COALESCE(k.sales, 0), 1)
            """,
                company=company.id,
                since=since,
                now=now,
                count=max(company.loyalty_signal_refund_count, 1),
            )
        )
        return [
            self._signal_finding(
                "pos_refunds",
                f"{r['user_id']}:{r['month']}",
                r,
                self.env._(
                    "%(n)s refunds or returns in %(month)s of sales that earned %(points)s points; the "
                    "cashier made %(sales)s sales that month.",
                    **r,
                ),
                partner_id=None,
                res_model="pos.order",
                res_ids=r["refund_ids"],
            )
            for r in rows
        ]

    @api.model
    def _signal_find_cashier_cluster(self, company, since, now):
        """A client whose orders in a month go to one cashier far beyond that
        cashier's share of all the clinic's orders."""
        rows = self._signal_fetch(
            SQL(
                """
            WITH earned AS (
                SELECT e.res_id, SUM(e.points) AS points FROM clinic_loyalty_entry e
                 WHERE e.company_id = %(company)s AND e.res_model = 'pos.order' AND e.kind = 'accrual'
                   AND e.date >= %(since)s
                 GROUP BY e.res_id
            ), orders AS (
                SELECT o.id, o.user_id, o.partner_id, to_char(o.date_order, 'YYYY-MM') AS month,
                       COALESCE(a.points, 0) AS points
                  FROM pos_order o
                  LEFT JOIN earned a ON a.res_id = o.id
                 WHERE o.company_id = %(company)s AND o.date_order >= %(since)s AND o.date_order < %(now)s
                   AND o.state IN ('paid', 'done', 'invoiced') AND o.amount_total > 0
            ), cashier AS (
                SELECT user_id, month, COUNT(*)::float / SUM(COUNT(*)) OVER (PARTITION BY month) AS share
                  FROM orders GROUP BY user_id, month
            ), client AS (
                SELECT partner_id, month, COUNT(*) AS n FROM orders
                 WHERE partner_id IS NOT NULL GROUP BY partner_id, month HAVING COUNT(*) >= %(min_orders)s
            ), pair AS (
                SELECT o.partner_id, o.month, o.user_id, COUNT(*) AS n, array_agg(o.id) AS order_ids,
                       SUM(o.points) AS points
                  FROM orders o JOIN client c ON c.partner_id = o.partner_id AND c.month = o.month
                 GROUP BY o.partner_id, o.month, o.user_id
            )
            SELECT p.partner_id, p.month, p.user_id, p.n, c.n AS total, k.share, p.order_ids, p.points
              FROM pair p
              JOIN client c ON c.partner_id = p.partner_id AND c.month = p.month
              JOIN cashier k ON k.user_id = p.user_id AND k.month = p.month
             WHERE p.n::float / c.n >= %(share)s AND p.n::float / c.n >= 3 * k.share
            """,
                company=company.id,
                since=since,
                now=now,
                min_orders=max(company.loyalty_signal_cluster_orders, 1),
                share=company.loyalty_signal_cluster_share,
            )
        )
        return [
            self._signal_finding(
                "cashier_cluster",
                f"{r['partner_id']}:{r['user_id']}:{r['month']}",
                r,
                self.env._(
                    "%(n)s of the client's %(total)s orders in %(month)s went to this cashier, who takes "
                    "%(pct)s%% of the clinic's orders.",
                    n=r["n"],
                    total=r["total"],
                    month=r["month"],
                    pct=round(r["share"] * 100),
                ),
                entry_ids=None,
                date=None,
                res_model="pos.order",
                res_ids=r["order_ids"],
            )
            for r in rows
        ]

    @api.model
    def _signal_find_late_client(self, company, since, now):
        """A client set on an order after it was paid (their points to
        whoever's card), and who confirmed it."""
        rows = self._signal_fetch(
            SQL(
                """
            SELECT o.id, o.name, o.partner_id, o.loyalty_partner_late_user_id AS user_id,
                   o.loyalty_partner_confirmed_user_id AS confirmed_id,
                   o.loyalty_partner_late_date::date AS date,
                   COALESCE(SUM(e.points), 0) AS points, array_remove(array_agg(e.id), NULL) AS entry_ids
              FROM pos_order o
              LEFT JOIN clinic_loyalty_entry e ON e.res_model = 'pos.order' AND e.res_id = o.id
                                              AND e.kind = 'accrual' AND e.company_id = o.company_id
             WHERE o.company_id = %(company)s AND o.loyalty_partner_late_user_id IS NOT NULL
               AND o.loyalty_partner_late_date >= %(since)s AND o.loyalty_partner_late_date < %(now)s
             GROUP BY o.id
            """,
                company=company.id,
                since=since,
                now=now,
            )
        )
        users = self.env["res.users"].sudo().browse({r["confirmed_id"] for r in rows if r["confirmed_id"]})
        names = {u.id: u.name for u in users}
        return [
            self._signal_finding(
                "late_client",
                f"{r['id']}",
                r,
                self.env._(
                    "The client was set on %(order)s after it was paid; confirmed by %(confirmed)s.",
                    order=r["name"],
                    confirmed=names.get(r["confirmed_id"]) or self.env._("nobody"),
                ),
                res_model="pos.order",
                res_ids=[r["id"]],
            )
            for r in rows
        ]
