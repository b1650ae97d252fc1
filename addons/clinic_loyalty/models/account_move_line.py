from odoo import _, api, models
from odoo.exceptions import UserError

from ..tools.frozen_documents import COMMERCIAL_SYNC, LINE_FROZEN_FIELDS, customer_posted


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_plan_with_sync(self, plan_list, all_amls):
        all_amls._loyalty_check_points_matching()
        res = super()._reconcile_plan_with_sync(plan_list, all_amls)
        credit_notes = all_amls.move_id.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        )
        credit_notes.reversed_entry_id._loyalty_check_credit_paid_out()
        return res

    # --- frozen ---
    # A posted customer document is frozen: what it earns on does not change.
    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            {vals["move_id"] for vals in vals_list if vals.get("move_id")}
        )
        if customer_posted(moves):
            self._loyalty_refuse(customer_posted(moves))
        return super().create(vals_list)

    def write(self, vals):
        lines = self.filtered(lambda line: line.move_id in customer_posted(line.move_id))
        if lines:
            if "move_id" in vals:
                target = self.env["account.move"].browse(vals["move_id"] or [])
                if customer_posted(target):
                    self._loyalty_refuse(customer_posted(target))
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
            target = customer_posted(self.env["account.move"].browse(vals["move_id"]))
            if target:
                self._loyalty_refuse(target)
        return super().write(vals)

    def unlink(self):
        moves = customer_posted(self.move_id)
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

    # --- points journal ---
    # The "Loyalty points payments" journal holds only what Register Payment
    # (with the client's points) and the point of sale closing post there, and one
    # Reverse Entry of a points payment (which gives its points back). Nothing
    # else is posted there, a reversal is final and a payment whose points came
    # back is matched with nothing but its reversal: a points payment cannot pay an
    # invoice again once its points are back with the client.
    def _loyalty_check_points_matching(self):
        """A points payment whose points came back (reversed, reset) and its
        reversal are matched with each other only, never with an invoice."""
        moves = self.move_id._loyalty_on_points_journal()
        for move in moves:
            if move._loyalty_is_points_reversal():
                payment_move = move.reversed_entry_id
            else:
                payments = move._loyalty_points_payments()
                entries = payments[:1]._loyalty_entries() if len(payments) == 1 else False
                if not entries:
                    continue
                if sum(entries.mapped("points")) < 0:
                    # Its points are spent: it pays customer invoices, or is
                    # reversed (the points come back), never paid out.
                    others = self.move_id - move - move.reversal_move_ids
                    if others.filtered(lambda m: m.move_type != "out_invoice"):
                        raise UserError(
                            _(
                                "%(payment)s was paid with loyalty points: it pays customer invoices only. "
                                "To give the points back, reverse it (Reverse Entry); they never go back as "
                                "money.",
                                payment=move.display_name,
                            )
                        )
                    continue
                payment_move = move
            allowed = payment_move | payment_move.reversal_move_ids
            if self.move_id - allowed:
                raise UserError(
                    _(
                        "The points of %(payment)s are back with the client: it pays nothing any more. Take "
                        "a new payment with Register Payment.",
                        payment=payment_move.display_name,
                    )
                )

    def _loyalty_paid_otherwise(self, excluded):
        """What the receivable lines among these were matched with, in company
        currency, outside ``excluded`` moves and the points-payment journal."""
        lines = self.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        total = 0.0
        for partial in lines.matched_debit_ids | lines.matched_credit_ids:
            other = partial.debit_move_id if partial.credit_move_id in lines else partial.credit_move_id
            points_journal = other.company_id.sudo().loyalty_payment_journal_id
            if other.move_id in excluded or (points_journal and other.journal_id == points_journal):
                continue
            total += partial.amount
        return total
