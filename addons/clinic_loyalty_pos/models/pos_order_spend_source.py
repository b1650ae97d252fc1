# pylint: disable=consider-merging-classes-inherited
# (pos_order.py settles the points paid at the counter; this file makes the
# order earn points: two ideas, two files.)
from odoo import api, models
from odoo.tools import SQL

from .pos_order import PAID_STATES


class PosOrder(models.Model):
    """Paid POS orders of a client earn points: a source of the one accrual
    engine (``clinic.loyalty.spend.source``).

    The eligible amount is the untaxed subtotal of the order's eligible lines
    in company currency, less the refund lines of paid refund orders that
    point at them (a POS refund takes back in proportion), times the share of
    the order not paid with loyalty points. An invoiced order earns through
    its invoice, unless it had already earned before being invoiced: then it
    keeps its points and the invoice earns none (see ``account_move.py``).
    """

    _name = "pos.order"
    _inherit = ["pos.order", "clinic.loyalty.spend.source"]

    @api.depends(
        "state",
        "partner_id",
        "account_move",
        "payment_ids.amount",
        "lines.price_subtotal",
        "lines.refund_orderline_ids.order_id.state",
        "loyalty_partner_late_user_id",
        "loyalty_partner_confirmed_user_id",
    )
    def _compute_loyalty_synced(self):
        for order in self:
            order.loyalty_synced = order.state not in PAID_STATES or not order.partner_id

    def init(self):
        res = super().init()
        # The engine looks up each line's refund lines (not indexed by Odoo).
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS pos_order_line_loyalty_refunded_idx
                   ON pos_order_line (refunded_orderline_id) WHERE refunded_orderline_id IS NOT NULL"""
        )
        return res

    @api.model
    def _loyalty_date_sql(self):
        return SQL("(date_order::date)")

    @api.model
    def _loyalty_candidates_sql(self):
        return SQL("state IN %s AND partner_id IS NOT NULL", PAID_STATES)

    @api.model
    def _loyalty_points_share_sql(self, order_alias):
        """SQL: the share (0..1) of the order ``order_alias`` not paid with
        loyalty points: what was paid with points never earns points."""
        return SQL(
            """(CASE WHEN %(o)s.amount_total > 0 THEN GREATEST(1 - COALESCE((
                    SELECT SUM(p.amount) FROM pos_payment p
                      JOIN pos_payment_method m ON m.id = p.payment_method_id
                     WHERE p.pos_order_id = %(o)s.id AND m.use_payment_terminal = 'clinic_loyalty'
                       AND p.amount > 0), 0) / %(o)s.amount_total, 0)
                 ELSE 1 END)""",
            o=SQL.identifier(order_alias),
        )

    @api.model
    def _loyalty_rows(self, company, after_id, limit):
        # The batch query's estimated cost makes PostgreSQL compile it (JIT)
        # each time, for longer than it runs: not for this transaction.
        self.env.cr.execute("SET LOCAL jit = off")
        return super()._loyalty_rows(company, after_id, limit)

    @api.model
    def _loyalty_rows_sql(self, ids):
        eligible = self.env["product.template"]._loyalty_eligible_sql("pt", SQL("l.company_id"))
        return SQL(
            """
            WITH eligible AS (
                SELECT l.order_id, SUM(l.price_subtotal) AS own,
                       SUM((SELECT SUM(rl.price_subtotal) FROM pos_order_line rl
                              JOIN pos_order r ON r.id = rl.order_id
                             WHERE rl.refunded_orderline_id = l.id AND r.state IN %(paid)s)) AS refunded
                  FROM pos_order_line l
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.order_id = ANY(%(ids)s) AND l.refunded_orderline_id IS NULL AND %(eligible)s
                 GROUP BY l.order_id
            ), in_points AS (
                SELECT p.pos_order_id AS order_id, SUM(p.amount) AS amount
                  FROM pos_payment p
                  JOIN pos_payment_method m ON m.id = p.payment_method_id
                 WHERE p.pos_order_id = ANY(%(ids)s) AND m.use_payment_terminal = 'clinic_loyalty'
                   AND p.amount > 0
                 GROUP BY p.pos_order_id
            ), other_means AS (
                -- what was paid by other means than points (change given back included)
                SELECT p.pos_order_id AS order_id, SUM(p.amount) AS amount
                  FROM pos_payment p
                  JOIN pos_payment_method m ON m.id = p.payment_method_id
                 WHERE p.pos_order_id = ANY(%(ids)s)
                   AND m.use_payment_terminal IS DISTINCT FROM 'clinic_loyalty'
                 GROUP BY p.pos_order_id
            ), orders AS (
                SELECT o.id, o.name, o.state, o.partner_id, o.account_move,
                       o.loyalty_counted_amount, o.loyalty_points, o.loyalty_seq,
                       COALESCE(NULLIF(o.currency_rate, 0), 1) AS rate,
                       CASE WHEN o.amount_total > 0
                            THEN GREATEST(1 - COALESCE(ip.amount, 0) / o.amount_total, 0)
                            ELSE 1 END AS share,
                       -- a loyalty training shop's sales are trials: they earn nothing
                       COALESCE((SELECT c.loyalty_training FROM pos_session s
                                   JOIN pos_config c ON c.id = s.config_id
                                  WHERE s.id = o.session_id), FALSE) AS training,
                       GREATEST(COALESCE(om.amount, 0), 0) AS paid_other,
                       -- a client set after payment earns once a Loyalty Manager confirmed it
                       (o.loyalty_partner_late_user_id IS NULL
                        OR o.loyalty_partner_confirmed_user_id IS NOT NULL) AS client_ok
                  FROM pos_order o
                  LEFT JOIN in_points ip ON ip.order_id = o.id
                  LEFT JOIN other_means om ON om.order_id = o.id
                 WHERE o.id = ANY(%(ids)s)
            ), amounts AS (
                SELECT o.*, COALESCE(e.own, 0) / o.rate * o.share AS own,
                       (COALESCE(e.own, 0) + COALESCE(e.refunded, 0)) / o.rate * o.share AS net,
                       o.paid_other / o.rate AS cap
                  FROM orders o
                  LEFT JOIN eligible e ON e.order_id = o.id
            )
            SELECT o.id, rp.commercial_partner_id AS partner_id, o.name,
                   GREATEST(LEAST(o.own, o.cap), 0) AS basis,
                   CASE WHEN o.state IN %(paid)s AND o.client_ok AND NOT o.training
                             AND (o.account_move IS NULL OR o.loyalty_seq > 0)
                        -- never more than was paid for it by other means than points
                        THEN CASE WHEN o.net > 0 THEN LEAST(o.net, o.cap) ELSE o.net END
                        ELSE 0 END AS target,
                   o.loyalty_counted_amount AS counted, o.loyalty_points AS points, o.loyalty_seq AS seq
              FROM amounts o
              JOIN res_partner rp ON rp.id = o.partner_id
             ORDER BY o.id
        """,
            ids=ids,
            paid=PAID_STATES,
            eligible=eligible,
        )
