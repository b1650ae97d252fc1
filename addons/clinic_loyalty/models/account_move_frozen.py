# pylint: disable=consider-merging-classes-inherited
# (account_move.py makes invoices earn; this file freezes what they earn on
# once posted: two ideas, two files.)
from contextvars import ContextVar

from odoo import _, api, models
from odoo.exceptions import UserError

# Set while a contact's parent is being changed (``res_partner_staff.py``):
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
CUSTOMER_TYPES = ("out_invoice", "out_refund")


def _customer_posted(moves):
    return moves.filtered(lambda m: m.state == "posted" and m.move_type in CUSTOMER_TYPES)


class AccountMove(models.Model):
    """A posted customer invoice or credit note keeps its client and its
    lines, whatever the context: Odoo's correcting flow is to reset it to
    draft (or issue a credit note), and the accrual follows either."""

    _inherit = "account.move"

    def write(self, vals):
        posted = _customer_posted(self)
        if posted:  # even in a write that also takes it back to draft
            frozen = MOVE_FROZEN_FIELDS
            if COMMERCIAL_SYNC.get():
                frozen = tuple(name for name in frozen if name != "commercial_partner_id")
            posted._loyalty_check_frozen(vals, frozen)
        return super().write(vals)

    def _loyalty_check_frozen(self, vals, frozen):
        changed = [
            name
            for name in frozen
            if name in vals
            for record in self
            if self.env["account.move"]._field_will_change(record, vals, name)
        ]
        if changed:
            raise UserError(
                _(
                    "%(documents)s: a posted customer document keeps its client and its lines (%(fields)s). "
                    "Reset it to draft or issue a credit note to correct it.",
                    documents=", ".join(self.mapped("display_name")),
                    fields=", ".join(sorted(set(changed))),
                )
            )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            {vals["move_id"] for vals in vals_list if vals.get("move_id")}
        )
        if _customer_posted(moves):
            self._loyalty_refuse(_customer_posted(moves))
        return super().create(vals_list)

    def write(self, vals):
        lines = self.filtered(lambda line: line.move_id in _customer_posted(line.move_id))
        if lines:
            if "move_id" in vals:
                target = self.env["account.move"].browse(vals["move_id"] or [])
                if _customer_posted(target):
                    self._loyalty_refuse(_customer_posted(target))
            frozen = LINE_FROZEN_FIELDS
            if COMMERCIAL_SYNC.get():
                frozen = tuple(name for name in frozen if name != "partner_id")
            changed = [
                name
                for name in frozen
                if name in vals
                for line in lines
                if self.env["account.move"]._field_will_change(line, vals, name)
            ]
            if changed:
                self._loyalty_refuse(lines.move_id)
        elif vals.get("move_id"):
            target = _customer_posted(self.env["account.move"].browse(vals["move_id"]))
            if target:
                self._loyalty_refuse(target)
        return super().write(vals)

    def unlink(self):
        moves = _customer_posted(self.move_id)
        if moves:
            self._loyalty_refuse(moves)
        return super().unlink()

    @api.model
    def _loyalty_refuse(self, moves):
        raise UserError(
            _(
                "%(documents)s: the lines of a posted customer document cannot be added, changed or deleted. "
                "Reset it to draft or issue a credit note to correct it.",
                documents=", ".join(moves.mapped("display_name")),
            )
        )
