"""Returns at the counter take back what they should (their own idea):
a return of an eligible item names the order it comes from or at least the
client (whose points it takes back), and what was paid with loyalty points
goes back as points, never as cash."""
# pylint: disable=consider-merging-classes-inherited

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from .pos_order import PAID_STATES


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state in PAID_STATES)._loyalty_check_returns()
        return orders

    def write(self, vals):
        becoming_paid = (
            self.filtered(lambda o: o.state not in PAID_STATES)
            if vals.get("state") in PAID_STATES
            else self.browse()
        )
        # Checked before the state is written: Odoo's ``_process_saved_order``
        # logs and swallows what refuses ``action_pos_order_paid``.
        becoming_paid._loyalty_check_returns()
        return super().write(vals)

    @api.model
    def _process_order(self, order, existing_order):
        # Odoo logs and swallows what refuses ``action_pos_order_paid``: check
        # the recorded order again, so a refused return records nothing.
        paid = order.get("state") in PAID_STATES
        order_id = super()._process_order(order, existing_order)
        pos_order = self.browse(order_id)
        if paid or pos_order.state in PAID_STATES:
            pos_order._loyalty_check_returns()
        return order_id

    def _loyalty_check_returns(self):
        for order in self:
            order._loyalty_check_unlinked_returns()
            order._loyalty_check_points_refunded_in_points()

    def _loyalty_check_unlinked_returns(self):
        """A negative eligible line with no original order takes back from
        the order's client: without a client, nobody would give points back."""
        self.ensure_one()
        if self.partner_id:
            return
        rounding = self.currency_id.rounding
        for line in self.lines:
            negative = float_compare(line.qty, 0.0, precision_digits=5) < 0 or (
                float_compare(line.price_subtotal, 0.0, precision_rounding=rounding) < 0
            )
            if (
                negative
                and not line.refunded_orderline_id
                and line.product_id.product_tmpl_id.with_company(self.company_id).sudo().loyalty_eligible
            ):
                raise UserError(
                    _(
                        "%(product)s is returned on %(order)s without the order it was bought on or the "
                        "client: refund it from the original order, or set the client. Nothing was recorded.",
                        product=line.product_id.display_name,
                        order=self.name,
                    )
                )

    def _loyalty_points_ratio(self):
        """Share (0..1) of this order's total paid with loyalty points."""
        self.ensure_one()
        if float_compare(self.amount_total, 0.0, precision_rounding=self.currency_id.rounding) <= 0:
            return 0.0
        paid = sum(p.amount for p in self._loyalty_otp_payments() if p.amount > 0)
        return min(paid / self.amount_total, 1.0)

    def _loyalty_check_points_refunded_in_points(self):
        """The share of a refund that the original order paid with points is
        paid back with the "Loyalty points" method (the points go back to the
        client), never in cash: the drawer never gives out more than came in."""
        self.ensure_one()
        in_points, originals = 0.0, self.browse()
        for line in self.lines.filtered("refunded_orderline_id"):
            original = line.refunded_orderline_id.order_id
            ratio = original._loyalty_points_ratio()
            if ratio:
                in_points += -line.price_subtotal_incl * ratio
                originals |= original
        if not originals:
            return
        rounding = self.currency_id.rounding
        other = -sum(p.amount for p in self.payment_ids - self._loyalty_otp_payments())
        allowed = max(-self.amount_total - in_points, 0.0)
        if float_compare(other, allowed, precision_rounding=rounding) > 0:
            raise UserError(
                _(
                    "%(points)s of this refund was paid with loyalty points on %(orders)s: pay it back with "
                    "the loyalty points method (the client gets the points back) and at most %(allowed)s "
                    "another way. Nothing was recorded.",
                    points=self.currency_id.round(in_points),
                    orders=", ".join(originals.mapped("name")),
                    allowed=self.currency_id.round(allowed),
                )
            )


class PosOrderCredited(models.Model):
    """An order that earned before it was invoiced: a credit note of its
    invoice takes back the order's points in proportion (the invoice itself
    earned nothing, see ``account_move.py``)."""

    _inherit = "pos.order"

    @api.depends("account_move.reversal_move_ids.state")
    def _compute_loyalty_synced(self):
        return super()._compute_loyalty_synced()

    @api.model
    def _loyalty_rows_sql(self, ids):
        eligible = self.env["product.template"]._loyalty_eligible_sql("pt", SQL("l.company_id"))
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
            rows=super()._loyalty_rows_sql(ids),
            eligible=eligible,
        )
