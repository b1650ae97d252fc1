"""What a customer invoice earns on, in SQL built from plain values (no ORM).
Used by ``account.move._loyalty_rows_sql``."""

from odoo.tools import SQL


def rows(ids, eligible, not_in_points):
    """The accrual rows (``AccrualRow``) of the customer invoices and credit
    notes ``ids``; ``eligible`` is the SQL condition on an eligible line's
    product template ``pt``, ``not_in_points`` the share not paid with points."""
    return SQL(
        """
            WITH eligible AS (
                SELECT l.move_id, SUM(l.balance) AS balance
                  FROM account_move_line l
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.display_type = 'product' AND %(eligible)s
                   AND l.move_id IN (SELECT id FROM account_move WHERE id = ANY(%(ids)s)
                                     UNION ALL
                                     SELECT id FROM account_move WHERE reversed_entry_id = ANY(%(ids)s)
                                        AND state = 'posted' AND move_type = 'out_refund')
                 GROUP BY l.move_id
            ), refunded AS (
                SELECT x.reversed_entry_id AS move_id, SUM(e.balance) AS amount
                  FROM account_move x JOIN eligible e ON e.move_id = x.id
                 WHERE x.reversed_entry_id = ANY(%(ids)s)
                 GROUP BY x.reversed_entry_id
            ), points_paid AS (
                -- the part paid with loyalty points earns nothing
                SELECT r.invoice_id AS move_id, SUM(p.amount_company_currency_signed) AS amount
                  FROM account_move__account_payment r
                  JOIN account_payment p ON p.id = r.payment_id
                  JOIN res_company c ON c.id = p.company_id AND c.loyalty_payment_journal_id = p.journal_id
                 WHERE r.invoice_id = ANY(%(ids)s) AND p.state IN ('in_process', 'paid')
                 GROUP BY r.invoice_id
            )
            SELECT m.id, m.commercial_partner_id AS partner_id, m.name,
                   GREATEST(COALESCE(-e.balance, 0), 0) AS basis,
                   CASE WHEN m.move_type = 'out_refund'
                        THEN CASE WHEN m.state = 'posted' THEN -COALESCE(e.balance, 0) ELSE 0 END
                        WHEN m.state = 'posted' AND m.payment_state IN ('paid', 'in_payment', 'reversed')
                        THEN LEAST(
                                 ROUND(GREATEST(COALESCE(-e.balance, 0) - COALESCE(r.amount, 0), 0)
                                       * %(not_in_points)s, 2),
                                 -- never more than was settled by other means than points
                                 GREATEST(m.amount_total_signed - m.amount_residual_signed
                                          - COALESCE(pp.amount, 0), 0))
                        ELSE 0 END AS target,
                   m.loyalty_counted_amount AS counted, m.loyalty_points AS points, m.loyalty_seq AS seq
              FROM account_move m
              LEFT JOIN eligible e ON e.move_id = m.id
              LEFT JOIN refunded r ON r.move_id = m.id
              LEFT JOIN points_paid pp ON pp.move_id = m.id
             WHERE m.id = ANY(%(ids)s)
             ORDER BY m.id
        """,
        ids=ids,
        eligible=eligible,
        not_in_points=not_in_points,
    )


def label_points_payments(widget, payments, journal, label):
    """The payments widget ``widget`` of an invoice with its payments made on
    the points journal ``journal`` shown as ``label`` (``payments``: the
    ``account.payment`` model), or None when none is."""
    ids = [line["account_payment_id"] for line in widget["content"] if line.get("account_payment_id")]
    points = payments.browse(ids).filtered(lambda p: journal and p.journal_id == journal)
    if not points:
        return None
    for line in widget["content"]:
        if line.get("account_payment_id") in points.ids:
            line.update(loyalty_points=True, payment_method_name=label, journal_name=label)
    return dict(widget)
