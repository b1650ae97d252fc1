from odoo import api, models
from odoo.tools import SQL


class AccountMove(models.Model):
    """An invoice of POS orders earns once with them: nothing if one of its
    orders already earned points before it was invoiced, and never on what
    was paid with loyalty points at the counter. A credit note of its own
    issued for a POS refund takes nothing back itself: the refund lines take
    back from the order they refund (``pos.order``); one of
    a return that names no original order takes back from its client. The
    invoice of an order whose client was set after payment earns once a
    Loyalty Manager confirmed that client (``pos.order``). It was
    also paid with the points its orders took at the counter."""

    _inherit = "account.move"

    @api.model
    def _loyalty_rows_sql(self, ids):
        share = self.env["pos.order"]._loyalty_points_share_sql("o")
        return SQL(
            """
            SELECT r.id, r.partner_id, r.name, r.basis,
                   CASE WHEN pos.earned OR pos.late
                             OR (pos.linked AND r.target < 0 AND NOT pos.unlinked_return) THEN 0
                        ELSE r.target * COALESCE(pos.share, 1) END AS target,
                   r.counted, r.points, r.seq
              FROM (%(rows)s) r
              LEFT JOIN LATERAL (
                    SELECT bool_or(o.loyalty_seq > 0) AS earned, bool_or(TRUE) AS linked,
                           -- a client set after payment, not confirmed yet
                           bool_or(o.loyalty_partner_late_user_id IS NOT NULL
                                   AND o.loyalty_partner_confirmed_user_id IS NULL) AS late,
                           MIN(%(share)s) AS share,
                           -- a return that names no original order takes back here
                           bool_or(EXISTS (SELECT 1 FROM pos_order_line l
                                            WHERE l.order_id = o.id AND l.qty < 0
                                              AND l.refunded_orderline_id IS NULL)) AS unlinked_return
                      FROM pos_order o WHERE o.account_move = r.id
              ) pos ON TRUE
             ORDER BY r.id
            """,
            rows=super()._loyalty_rows_sql(ids),
            share=share,
        )

    def _loyalty_points_paid_ever(self):
        """An invoice of POS orders was also paid with the points its orders
        took at the counter (see ``clinic_loyalty``'s credit-note rule)."""
        paid = super()._loyalty_points_paid_ever()
        payments = self.sudo().pos_order_ids._loyalty_otp_payments()
        return paid + sum(payment.amount for payment in payments if payment.amount > 0)
