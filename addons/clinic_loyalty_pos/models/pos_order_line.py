from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..tools.pos_guard import CREATING, LINE_FROZEN_FIELDS, will_change

SUBTOTALS = ("price_subtotal", "price_subtotal_incl")


class PosOrderLine(models.Model):
    """The lines of a paid order are frozen with it (see ``pos.order``), say
    what their price makes, and a return line is one the points follow."""

    _inherit = "pos.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["pos.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        frozen = orders._loyalty_frozen() if not CREATING.get() else orders.browse()
        if frozen:
            self._loyalty_refuse(frozen)
        return super().create(vals_list)

    def write(self, vals):
        frozen_lines = self.filtered(lambda line: line.order_id in line.order_id._loyalty_frozen())
        if any(will_change(line, vals, name) for line in frozen_lines for name in LINE_FROZEN_FIELDS):
            self._loyalty_refuse(frozen_lines.order_id)
        if vals.get("order_id"):
            target = self.env["pos.order"].browse(vals["order_id"])._loyalty_frozen()
            if target and any(line.order_id != target for line in self):
                self._loyalty_refuse(target)
        return super().write(vals)

    def unlink(self):
        frozen = self.order_id._loyalty_frozen()
        if frozen:
            self._loyalty_refuse(frozen)
        return super().unlink()

    @api.model
    def _loyalty_refuse(self, orders):
        raise UserError(
            _(
                "%(orders)s: the lines of a paid order cannot be added, changed or deleted. Refund it to "
                "correct it.",
                orders=", ".join(orders.mapped("name")),
            )
        )

    def _loyalty_check_subtotals(self):
        """Each line's subtotals are what its price, quantity, discount and
        taxes make (Odoo's own line computation). Returns the lines' total
        with taxes as computed."""
        total = 0.0
        for line in self:
            computed = line._compute_amount_line_all()
            total += computed["price_subtotal_incl"]
            rounding = line.order_id.currency_id.rounding
            for name in SUBTOTALS:
                if abs(line[name] - computed[name]) > rounding + 1e-9:
                    raise UserError(
                        _(
                            "Order %(order)s: the line %(line)s says %(said)s, while its price, quantity, "
                            "discount and taxes make %(made)s. Nothing was recorded: ring the line up again.",
                            order=line.order_id.name,
                            line=line.full_product_name or line.product_id.display_name,
                            said=line[name],
                            made=computed[name],
                        )
                    )
        return total

    def _loyalty_check_return_traced(self):
        """A negative eligible line with no original order takes back from
        its order's client: without a client, nobody would give points back."""
        for line in self:
            order = line.order_id
            if order.partner_id or line.refunded_orderline_id:
                continue
            negative = float_compare(line.qty, 0.0, precision_digits=5) < 0 or (
                float_compare(line.price_subtotal, 0.0, precision_rounding=order.currency_id.rounding) < 0
            )
            if (
                negative
                and line.product_id.product_tmpl_id.with_company(order.company_id).sudo().loyalty_eligible
            ):
                raise UserError(
                    _(
                        "%(product)s is returned on %(order)s without the order it was bought on or the "
                        "client: refund it from the original order, or set the client. Nothing was recorded.",
                        product=line.product_id.display_name,
                        order=order.name,
                    )
                )

    def _loyalty_check_refunded_in_points(self):
        """These lines of one order: the share of a refund that the original
        order paid with points is paid back with the "Loyalty points" method
        (the points go back to the client), never in cash: the drawer never
        gives out more than came in."""
        order = self.order_id
        in_points, originals = 0.0, order.browse()
        for line in self.filtered("refunded_orderline_id"):
            original = line.refunded_orderline_id.order_id
            ratio = original._loyalty_points_ratio()
            if ratio:
                in_points += -line.price_subtotal_incl * ratio
                originals |= original
        if not originals:
            return
        order.ensure_one()
        other = -sum(p.amount for p in order.payment_ids - order._loyalty_otp_payments())
        allowed = max(-order.amount_total - in_points, 0.0)
        if float_compare(other, allowed, precision_rounding=order.currency_id.rounding) > 0:
            raise UserError(
                _(
                    "%(points)s of this refund was paid with loyalty points on %(orders)s: pay it back with "
                    "the loyalty points method (the client gets the points back) and at most %(allowed)s "
                    "another way. Nothing was recorded.",
                    points=order.currency_id.round(in_points),
                    orders=", ".join(originals.mapped("name")),
                    allowed=order.currency_id.round(allowed),
                )
            )
