from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import invoice_sql
from ..tools.frozen_documents import COMMERCIAL_SYNC, MOVE_FROZEN_FIELDS, customer_posted
from .account_payment_points import BOOKED_ELSEWHERE


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
        return invoice_sql.rows(
            ids=ids,
            eligible=self.env["product.template"]._loyalty_eligible_sql("pt", SQL("l.company_id")),
            not_in_points=self._loyalty_not_in_points_sql(SQL("pp.amount"), SQL("m.amount_total_signed")),
        )

    # --- credit points ---
    # A credit note of an invoice paid (partly) with loyalty points gives the
    # points share back as points, never as money: what its credit notes pay out
    # other than against the invoice itself is at most what the invoice was paid
    # other than with points. The points share comes back by Reverse Entry on the
    # points payment (then the credit note is matched with the invoice).
    def _loyalty_points_paid_ever(self):
        """Amount of this customer invoice paid with loyalty points, given
        back since or not (a reversed points payment left no cash behind)."""
        self.ensure_one()
        entries = (
            self.env["clinic.loyalty.entry"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("res_model", "=", "account.payment"),
                    ("kind", "=", "redemption"),
                    ("source_name", "=", self.name),
                ]
            )
        )
        return sum(entries.mapped("amount"))

    def _loyalty_check_credit_paid_out(self):
        """Refuse paying out, in money, the share of a credit note that the
        invoice it reverses was paid with loyalty points."""
        for invoice in self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"):
            points = invoice._loyalty_points_paid_ever()
            if not points:
                continue
            credit_notes = invoice.reversal_move_ids.filtered(
                lambda m: m.move_type == "out_refund" and m.state == "posted"
            )
            if not credit_notes:
                continue
            currency = invoice.company_id.currency_id
            paid_in = invoice.line_ids._loyalty_paid_otherwise(credit_notes)
            allowed = min(paid_in, max(invoice.amount_total_signed - points, 0.0))
            paid_out = credit_notes.line_ids._loyalty_paid_otherwise(invoice | credit_notes)
            if currency.compare_amounts(paid_out, allowed) > 0:
                raise UserError(
                    _(
                        "%(invoice)s was paid %(points)s with loyalty points: its credit notes pay back at "
                        "most %(allowed)s another way. Give the points back with Reverse Entry on the points "
                        "payment, then match the rest of the credit note with the invoice.",
                        invoice=invoice.name,
                        points=currency.round(points),
                        allowed=currency.round(allowed),
                    )
                )

    # --- frozen ---
    # A posted customer document is frozen: what it earns on does not change.
    # A posted customer invoice or credit note keeps its client and its
    # lines, whatever the context: Odoo's correcting flow is to reset it to
    # draft (or issue a credit note), and the accrual follows either.
    def write(self, vals):
        posted = customer_posted(self)
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

    # --- loyalty daily ---
    # A daily loyalty entry leaves the books only by an accounting manager's
    # hand (reset to draft, cancel, reverse, delete), and then its ledger entries
    # are unbooked: the next daily run books them again.
    loyalty_entry_count = fields.Integer(
        string="Loyalty ledger entries",
        compute="_compute_loyalty_entry_count",
        help="Ledger entries this daily loyalty entry booked.",
    )

    def _compute_loyalty_entry_count(self):
        daily_of = {d.move_id.id: d for d in self._loyalty_daily_rows()}
        for move in self:
            daily = daily_of.get(move.id)
            move.loyalty_entry_count = len(daily.entry_ids) if daily else 0

    def action_open_loyalty_entries(self):
        """From a daily loyalty entry to the ledger entries it booked."""
        self.ensure_one()
        daily = self._loyalty_daily_rows()
        return {
            "type": "ir.actions.act_window",
            "name": _("Ledger entries booked"),
            "res_model": "clinic.loyalty.entry",
            "view_mode": "list,form",
            "domain": [("id", "in", daily.entry_ids.ids)],
        }

    def _loyalty_daily_rows(self):
        if not self.ids:
            return self.env["clinic.loyalty.daily.move"]
        return self.env["clinic.loyalty.daily.move"].sudo().search([("move_id", "in", self.ids)])

    def _loyalty_unbook_daily(self):
        """Check who asks, then unbook the daily entries among ``self``."""
        daily = self._loyalty_daily_rows()
        if not daily:
            return
        if not (self.env.su or self.env.user.has_group("account.group_account_manager")):
            raise AccessError(
                _(
                    "Only accounting managers reset, cancel, reverse or delete a daily loyalty entry "
                    "(%(entries)s): its points would stay off the books.",
                    entries=", ".join(daily.move_id.mapped("display_name")),
                )
            )
        daily._loyalty_unbook()

    def button_draft(self):
        posted = self.filtered(lambda m: m.state == "posted")
        posted._loyalty_unbook_daily()
        posted._loyalty_check_points_reversal_draft()
        payments = posted._loyalty_points_payments()
        res = super().button_draft()
        for payment in payments:
            payment._loyalty_give_back()
        return res

    def button_cancel(self):
        self._loyalty_unbook_daily()
        return super().button_cancel()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        self._loyalty_unbook_daily()
        # Refused before Odoo unmatches anything: a reversal of a reversal,
        # a second reversal of a points payment.
        if not BOOKED_ELSEWHERE.get():
            for move in self._loyalty_on_points_journal():
                reversed_before = move.reversal_move_ids.filtered(lambda r: r.state == "posted")
                if move.reversed_entry_id or reversed_before:
                    move._loyalty_refuse_on_points_journal()
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def unlink(self):
        self._loyalty_unbook_daily()
        return super().unlink()

    # --- points journal ---
    # The "Loyalty points payments" journal holds only what Register Payment
    # (with the client's points) and the point of sale closing post there, and one
    # Reverse Entry of a points payment (which gives its points back). Nothing
    # else is posted there, a reversal is final and a payment whose points came
    # back is matched with nothing but its reversal: a points payment cannot pay an
    # invoice again once its points are back with the client.
    def _loyalty_on_points_journal(self):
        return self.filtered(
            lambda m: m.journal_id and m.journal_id == m.company_id.sudo().loyalty_payment_journal_id
        )

    def _loyalty_is_points_reversal(self):
        """A reversal of a points payment's entry (Reverse Entry)."""
        self.ensure_one()
        return bool(self.reversed_entry_id) and bool(self.reversed_entry_id._loyalty_points_payments())

    def _loyalty_check_points_journal_post(self):
        for move in self._loyalty_on_points_journal():
            if move._loyalty_points_payments():
                continue  # Register Payment: spends the points (``_post`` below)
            original = move.reversed_entry_id
            if (
                move._loyalty_is_points_reversal()
                and original.state == "posted"
                and not (original.reversal_move_ids - move).filtered(lambda r: r.state == "posted")
            ):
                continue  # Reverse Entry on a points payment: its points come back
            move._loyalty_refuse_on_points_journal()

    def _loyalty_refuse_on_points_journal(self):
        self.ensure_one()
        raise UserError(
            _(
                "Only Register Payment (with the client's points) and the point of sale closing post on "
                "“%(journal)s”, and a points payment is reversed once: %(move)s cannot be posted or "
                "reversed. Use another journal for this entry.",
                journal=self.journal_id.name,
                move=self.display_name,
            )
        )

    def _post(self, soft=True):
        reversals = self.browse()
        if not BOOKED_ELSEWHERE.get():
            drafts = self.filtered(lambda m: m.state == "draft")
            drafts._loyalty_check_points_journal_post()
            reversals = drafts._loyalty_on_points_journal().filtered(
                lambda m: m._loyalty_is_points_reversal()
            )
            # The entry of a points payment spends the points when posted.
            for payment in drafts._loyalty_points_payments():
                payment._loyalty_spend()
        posted = super()._post(soft=soft)
        # "Reverse Entry" on a points payment's entry unpays the invoice: the
        # points come back, with their expiry dates, when the reversal is
        # posted (once: a later reset finds nothing left to give back).
        for payment in reversals.filtered(
            lambda m: m.state == "posted"
        ).reversed_entry_id._loyalty_points_payments():
            payment._loyalty_give_back()
        return posted

    def _loyalty_check_points_reversal_draft(self):
        if any(move._loyalty_is_points_reversal() for move in self._loyalty_on_points_journal()):
            raise UserError(
                _(
                    "The reversal of a loyalty points payment is final: its points are back with the client. "
                    "To take a payment with points again, use Register Payment on the invoice."
                )
            )

    # --- points payment ---
    # The entry of a points payment spends the points when posted and gives them
    # back when it leaves the posted state or is reversed, whatever button does it
    # (payment or journal entry). See ``account_payment_points.py``.
    def _loyalty_points_payments(self):
        return self.origin_payment_id.filtered(lambda p: p._loyalty_is_points_payment())

    def _compute_payments_widget_reconciled_info(self):
        """An invoice paid with points says so in its payment widget."""
        res = super()._compute_payments_widget_reconciled_info()
        for move in self.filtered("invoice_payments_widget"):
            journal = move.company_id.sudo().loyalty_payment_journal_id
            widget = invoice_sql.label_points_payments(
                move.invoice_payments_widget, self.env["account.payment"].sudo(), journal, _("Loyalty points")
            )
            if widget:
                move.invoice_payments_widget = widget
        return res
