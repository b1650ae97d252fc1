from odoo import _, api, models
from odoo.tools import SQL


class AccountMove(models.Model):
    """Paid customer invoices earn points; their credit notes take them back,
    and a posted credit note of its own (no ``reversed_entry_id``) takes
    points back at the earning rate."""

    _name = "account.move"
    _inherit = ["account.move", "clinic.loyalty.spend.source"]
    _loyalty_date_field = "invoice_date"

    @api.depends("move_type", "state", "payment_state", "reversal_move_ids.state", "reversed_entry_id")
    def _compute_loyalty_synced(self):
        for move in self:
            move.loyalty_synced = not (
                move.move_type == "out_invoice"
                or (move.move_type == "out_refund" and not move.reversed_entry_id)
            )

    @api.model
    def _loyalty_candidates_sql(self):
        return SQL(
            """commercial_partner_id IS NOT NULL
               AND (move_type = 'out_invoice' OR (move_type = 'out_refund' AND reversed_entry_id IS NULL))"""
        )

    @api.model
    def _loyalty_rows_sql(self, ids):
        # Eligible amount = untaxed subtotal of eligible lines, in company
        # currency (``balance`` is company-currency and tax-excluded, negative
        # on invoices). Posted credit notes reversing the invoice reduce it,
        # the share of the invoice paid with loyalty points is left out; a
        # posted credit note of its own counts negative (its points go back).
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
                                       * (1 - LEAST(COALESCE(pp.amount, 0)
                                                    / NULLIF(m.amount_total_signed, 0), 1)), 2),
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
            eligible=self.env["product.template"]._loyalty_eligible_sql("pt", SQL("l.company_id")),
        )

    # An invoice paid with points says so in its payment widget.
    def _compute_payments_widget_reconciled_info(self):
        res = super()._compute_payments_widget_reconciled_info()
        for move in self:
            widget = move.invoice_payments_widget
            journal = move.company_id.sudo().loyalty_payment_journal_id
            if not widget or not journal:
                continue
            payments = (
                self.env["account.payment"]
                .sudo()
                .browse(
                    [
                        line["account_payment_id"]
                        for line in widget["content"]
                        if line.get("account_payment_id")
                    ]
                )
            )
            points = payments.filtered(lambda p, journal=journal: p.journal_id == journal)
            if not points:
                continue
            label = _("Loyalty points")
            for line in widget["content"]:
                if line.get("account_payment_id") in points.ids:
                    line.update(loyalty_points=True, payment_method_name=label, journal_name=label)
            move.invoice_payments_widget = dict(widget)
        return res
