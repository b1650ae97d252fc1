"""The SQL the accrual engine runs for POS orders (see ``pos.order``).

Pure builders: they take the pieces the models decide (ids, the eligibility
test, the paid states) and return ``odoo.tools.SQL``."""

from odoo.tools import SQL


def paid_in_points(order_alias):
    """SQL: (what the order ``order_alias`` was paid with loyalty points, its total)."""
    o = SQL.identifier(order_alias)
    paid = SQL(
        """(SELECT SUM(p.amount) FROM pos_payment p
              JOIN pos_payment_method m ON m.id = p.payment_method_id
             WHERE p.pos_order_id = %(o)s.id AND m.use_payment_terminal = 'clinic_loyalty'
               AND p.amount > 0)""",
        o=o,
    )
    return paid, SQL("%s.amount_total", o)


def order_rows(ids, eligible, paid_states, share):
    """One row per order: its client, the eligible amount it earns on
    (``target``, in company currency), and what it earned so far.

    The eligible amount is the untaxed subtotal of the order's eligible lines
    (``eligible``: the product template test on ``pt`` for the line's
    company), less the refund lines of paid refund orders that point at them,
    times the share not paid with points (``share``, on ``o``), capped at what was paid by other
    means. A training shop's sale, an order whose client was set after payment
    and not confirmed, and an order invoiced before it earned, earn nothing."""
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
                   %(share)s AS share,
                   -- a loyalty training shop's sales are trials: they earn nothing
                   COALESCE((SELECT c.loyalty_training FROM pos_session s
                               JOIN pos_config c ON c.id = s.config_id
                              WHERE s.id = o.session_id), FALSE) AS training,
                   GREATEST(COALESCE(om.amount, 0), 0) AS paid_other,
                   -- a client set after payment earns once a Loyalty Manager confirmed it
                   (o.loyalty_partner_late_user_id IS NULL
                    OR o.loyalty_partner_confirmed_user_id IS NOT NULL) AS client_ok
              FROM pos_order o
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
        paid=paid_states,
        eligible=eligible,
        share=share,
    )


def credited_rows(rows, eligible):
    """``rows`` (:func:`order_rows`) with the target of an order that earned
    before it was invoiced reduced in proportion to the posted credit notes
    of its invoice (the invoice itself earned nothing)."""
    return SQL(
        """
        SELECT r.id, r.partner_id, r.name, r.basis,
               CASE WHEN c.invoiced < 0 THEN r.target * GREATEST(1 - c.credited / -c.invoiced, 0)
                    ELSE r.target END AS target,
               r.counted, r.points, r.seq
          FROM (%(rows)s) r
          JOIN pos_order o ON o.id = r.id
          LEFT JOIN LATERAL (
                SELECT SUM(l.balance) FILTER (WHERE m.id = o.account_move) AS invoiced,
                       COALESCE(SUM(l.balance) FILTER (WHERE m.id <> o.account_move), 0) AS credited
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE %(eligible)s
                   AND (m.id = o.account_move
                        OR (m.reversed_entry_id = o.account_move AND m.state = 'posted'
                            AND m.move_type = 'out_refund'))
          ) c ON o.account_move IS NOT NULL
         ORDER BY r.id
        """,
        rows=rows,
        eligible=eligible,
    )
