"""A posted customer document is frozen: what the accrual reads of it (and
of its lines) does not change. Shared by ``account.move``, its lines and
``res.partner`` (which lets Odoo move a contact's documents)."""

from contextvars import ContextVar

# Set while a contact's parent is being changed (``res_partner.py``):
# Odoo then moves the commercial partner of that contact's documents, a
# change the ownership guard of ``res.partner`` already decided on.
COMMERCIAL_SYNC = ContextVar("clinic_loyalty_commercial_sync", default=False)

# What the accrual reads of a posted customer document (or decides its
# payment with). Odoo refuses some of these on a posted move, unless the
# caller passes ``skip_readonly_check`` in a context it chooses itself.
MOVE_FROZEN_FIELDS = (
    "partner_id",
    "commercial_partner_id",
    "invoice_line_ids",
    "line_ids",
    "move_type",
    "currency_id",
    "company_id",
    "invoice_date",
    "reversed_entry_id",
    "payment_state",
    "amount_total_signed",
    "amount_residual_signed",
)


CUSTOMER_TYPES = ("out_invoice", "out_refund")


def customer_posted(moves):
    return moves.filtered(lambda m: m.state == "posted" and m.move_type in CUSTOMER_TYPES)


# What the accrual reads of the lines of a posted customer document.
LINE_FROZEN_FIELDS = (
    "move_id",
    "product_id",
    "display_type",
    "quantity",
    "price_unit",
    "discount",
    "balance",
    "debit",
    "credit",
    "amount_currency",
    "price_subtotal",
    "price_total",
    "tax_ids",
    "currency_id",
    "company_id",
    "partner_id",
)
