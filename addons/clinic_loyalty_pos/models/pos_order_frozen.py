# pylint: disable=consider-merging-classes-inherited
# (pos_order.py settles points payments, pos_order_spend_source.py makes
# orders earn; this file freezes what a paid order earns on: three ideas.)
from contextvars import ContextVar

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .pos_order import PAID_STATES

# Ids of the orders Odoo's own flows are recording right now: the order a
# POS sync creates or completes (``_process_order``) and the orders being
# invoiced (``_generate_pos_order_invoice``). Only those may be written while
# paid. A context key would not do: any RPC caller chooses its context.
OPEN_ORDERS = ContextVar("clinic_loyalty_otp_open_orders", default=None)
# Set while new orders are created with their lines.
CREATING = ContextVar("clinic_loyalty_otp_creating_orders", default=False)
# Set while the server itself records who set a client after payment.
LATE_WRITE = ContextVar("clinic_loyalty_otp_late_partner_write", default=False)

# What the accrual reads of a paid order, or what decides it.
ORDER_FROZEN_FIELDS = (
    "lines",
    "amount_total",
    "amount_tax",
    "amount_paid",
    "amount_return",
    "currency_rate",
    "pricelist_id",
    "fiscal_position_id",
    "company_id",
    "date_order",
    "account_move",
)
LINE_FROZEN_FIELDS = (
    "order_id",
    "product_id",
    "qty",
    "price_unit",
    "discount",
    "price_subtotal",
    "price_subtotal_incl",
    "tax_ids",
    "tax_ids_after_fiscal_position",
    "refunded_orderline_id",
    "company_id",
)
LATE_FIELDS = {
    "loyalty_partner_late_user_id",
    "loyalty_partner_late_date",
    "loyalty_partner_confirmed_user_id",
}


def _will_change(record, vals, name):
    """Whether writing ``vals`` changes ``record[name]`` (Odoo's own test,
    with dates compared as dates and an empty x2many command list as none)."""
    if name not in vals:
        return False
    field = record._fields[name]
    if field.type in ("one2many", "many2many") and not vals[name]:
        return False
    if field.type in ("date", "datetime"):
        return field.convert_to_cache(vals[name], record) != record[name]
    return record.env["account.move"]._field_will_change(record, vals, name)


class PosOrder(models.Model):
    """A paid order earns on what it was paid for: its lines, amounts, rate
    and client are frozen at payment, whoever writes and whatever the
    context, except while Odoo's own flows record it (the POS sync of that
    order, its invoicing). A client set on a paid order that had none (Odoo
    lets the counter do so to invoice it) is recorded and earns nothing
    until a Loyalty Manager other than who set it confirms it."""

    _inherit = "pos.order"

    loyalty_partner_late_user_id = fields.Many2one(
        "res.users",
        string="Client set after payment by",
        readonly=True,
        copy=False,
        help="Who set the client on this order after it was paid: it earns no points until a Loyalty "
        "Manager confirms the client.",
    )
    loyalty_partner_late_date = fields.Datetime(
        string="Client set after payment on", readonly=True, copy=False
    )
    loyalty_partner_confirmed_user_id = fields.Many2one(
        "res.users",
        string="Late client confirmed by",
        readonly=True,
        copy=False,
        help="The Loyalty Manager who confirmed the client set after payment: the order then earns.",
    )

    @api.model
    def _process_order(self, order, existing_order):
        opened = OPEN_ORDERS.get()
        token = OPEN_ORDERS.set(set(opened or ()) | set(existing_order.ids if existing_order else ()))
        try:
            return super()._process_order(order, existing_order)
        finally:
            OPEN_ORDERS.reset(token)

    def _generate_pos_order_invoice(self):
        token = OPEN_ORDERS.set(set(OPEN_ORDERS.get() or ()) | set(self.ids))
        try:
            return super()._generate_pos_order_invoice()
        finally:
            OPEN_ORDERS.reset(token)

    @api.model_create_multi
    def create(self, vals_list):
        # The POS sends back every field it loaded, these ones empty.
        if not LATE_WRITE.get() and any(vals.get(name) for vals in vals_list for name in LATE_FIELDS):
            raise AccessError(_("Who set a client after payment is recorded by the server only."))
        # The lines created with a new order (even one created paid) are
        # that order's own: the ORM binds them to it, whatever they say.
        token = CREATING.set(True)
        try:
            orders = super().create(vals_list)
        finally:
            CREATING.reset(token)
        opened = OPEN_ORDERS.get()
        if opened is not None:
            opened.update(orders.ids)
        orders.filtered(lambda o: o.state in PAID_STATES)._loyalty_check_lines_add_up()
        return orders

    def write(self, vals):
        if not LATE_WRITE.get() and any(_will_change(o, vals, name) for o in self for name in LATE_FIELDS):
            raise AccessError(_("Who set a client after payment is recorded by the server only."))
        frozen = self._loyalty_frozen()
        late = self.browse()
        if frozen:
            changed = sorted(
                {name for order in frozen for name in ORDER_FROZEN_FIELDS if _will_change(order, vals, name)}
            )
            if changed:
                raise UserError(
                    _(
                        "%(orders)s: a paid order keeps what it was paid for (%(fields)s). Refund it to "
                        "correct it.",
                        orders=", ".join(frozen.mapped("name")),
                        fields=", ".join(changed),
                    )
                )
            if "partner_id" in vals:
                moved = frozen.filtered(lambda o: o.partner_id.id != (vals["partner_id"] or False))
                if moved.filtered("partner_id"):
                    raise UserError(
                        _(
                            "%(orders)s: the client of a paid order cannot be changed or removed.",
                            orders=", ".join(moved.filtered("partner_id").mapped("name")),
                        )
                    )
                late = moved
        paying = (
            self.filtered(lambda o: o.state not in PAID_STATES) if vals.get("state") in PAID_STATES else None
        )
        result = super().write(vals)
        if late:
            late._loyalty_record_late_partner()
        if paying:
            paying._loyalty_check_lines_add_up()
        return result

    def _loyalty_frozen(self):
        """Those of these orders that are paid and not being recorded by
        Odoo's own flow right now."""
        opened = OPEN_ORDERS.get() or set()
        return self.filtered(lambda o: o.state in PAID_STATES and o.id not in opened)

    def _loyalty_record_late_partner(self):
        token = LATE_WRITE.set(True)
        try:
            self.write(
                {
                    "loyalty_partner_late_user_id": self.env.uid,
                    "loyalty_partner_late_date": fields.Datetime.now(),
                    "loyalty_partner_confirmed_user_id": False,
                }
            )
        finally:
            LATE_WRITE.reset(token)
        self._loyalty_resync()

    def _loyalty_check_lines_add_up(self):
        """Each line's subtotals are what its price, quantity, discount and
        taxes make (Odoo's own line computation), and the lines add up to
        the order's total: a payload that says otherwise is refused whole."""
        for order in self:
            currency = order.currency_id
            total = 0.0
            for line in order.lines:
                computed = line._compute_amount_line_all()
                total += computed["price_subtotal_incl"]
                if any(
                    abs(line[name] - computed[name]) > currency.rounding + 1e-9
                    for name in ("price_subtotal", "price_subtotal_incl")
                ):
                    raise UserError(
                        _(
                            "Order %(order)s: the line %(line)s says %(said)s, while its price, quantity, "
                            "discount and taxes make %(made)s. Nothing was recorded: ring the line up again.",
                            order=order.name,
                            line=line.full_product_name or line.product_id.display_name,
                            said=line.price_subtotal,
                            made=computed["price_subtotal"],
                        )
                    )
            tolerance = currency.rounding * max(len(order.lines), 1)
            if order.config_id.cash_rounding and order.config_id.rounding_method:
                tolerance += order.config_id.rounding_method.rounding
            if abs(order.amount_total - total) > tolerance + 1e-9:
                raise UserError(
                    _(
                        "Order %(order)s: its lines add up to %(lines)s, not to its total of %(total)s. "
                        "Nothing was recorded.",
                        order=order.name,
                        lines=currency.round(total),
                        total=order.amount_total,
                    )
                )

    def _loyalty_resync(self):
        """Have the accrual look at these orders (and their invoices) again."""
        self.sudo().loyalty_synced = False
        self.account_move.sudo().loyalty_synced = False

    def _loyalty_late_pending(self):
        return self.filtered(
            lambda o: o.loyalty_partner_late_user_id and not o.loyalty_partner_confirmed_user_id
        )

    def action_loyalty_confirm_late_partner(self):
        """A Loyalty Manager confirms the client set after payment: the order
        (or its invoice) earns from the next accrual on."""
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager confirms a client set after payment."))
        self.check_access("read")
        pending = self.sudo()._loyalty_late_pending().with_env(self.env)
        if pending.filtered(lambda o: o.loyalty_partner_late_user_id == self.env.user):
            raise AccessError(_("The client you set after payment is confirmed by another Loyalty Manager."))
        token = LATE_WRITE.set(True)
        try:
            pending.sudo().write({"loyalty_partner_confirmed_user_id": self.env.uid})
        finally:
            LATE_WRITE.reset(token)
        for order in pending.sudo():
            order.message_post(
                author_id=self.env.user.partner_id.id,
                body=_(
                    "Client %(client)s, set after payment by %(user)s, confirmed for loyalty points by "
                    "%(manager)s.",
                    client=order.partner_id.display_name,
                    user=order.loyalty_partner_late_user_id.name,
                    manager=self.env.user.name,
                ),
            )
        pending.sudo()._loyalty_resync()
        return True


class PosOrderLine(models.Model):
    """The lines of a paid order are frozen with it (see ``pos.order``)."""

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
        if any(_will_change(line, vals, name) for line in frozen_lines for name in LINE_FROZEN_FIELDS):
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
