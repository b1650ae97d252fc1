"""Who is writing a paid order right now, told by the server to itself.

A context key would not do: any RPC caller chooses its context. These
variables are set only by the server's own flows (``pos.order``) and read by
the guards of orders, lines and payments."""

from contextlib import contextmanager
from contextvars import ContextVar

PAID_STATES = ("paid", "done", "invoiced")

# Ids of the orders Odoo's own flows are recording right now: the order a
# POS sync creates or completes (``_process_order``) and the orders being
# invoiced (``_generate_pos_order_invoice``). Only those may be written while
# paid.
OPEN_ORDERS = ContextVar("clinic_loyalty_pos_open_orders", default=None)
# Set while new orders are created with their lines.
CREATING = ContextVar("clinic_loyalty_pos_creating_orders", default=False)
# Set while the server itself records who set a client after payment.
LATE_WRITE = ContextVar("clinic_loyalty_pos_late_partner_write", default=False)
# Set only while the server records an order it received from the POS, which
# then settles every "Loyalty points" payment against its code.
POS_SYNC = ContextVar("clinic_loyalty_pos_sync", default=False)

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
# What a "Loyalty points" payment is made of.
PAYMENT_GUARDED_FIELDS = {"amount", "payment_method_id", "pos_order_id", "transaction_id"}


@contextmanager
def setting(var, value):
    """``var`` holds ``value`` inside the block, and its previous value after."""
    token = var.set(value)
    try:
        yield value
    finally:
        var.reset(token)


def opening(ids):
    """The orders ``ids`` join those Odoo's own flows are recording."""
    return setting(OPEN_ORDERS, set(OPEN_ORDERS.get() or ()) | set(ids))


def will_change(record, vals, name):
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
