"""The "Loyalty points payments" journal holds only what Register Payment
(with the client's points) and the point of sale closing post there, and one
Reverse Entry of a points payment (which gives its points back). Nothing
else is posted there, a reversal is final and a payment whose points came
back is matched with nothing but its reversal: a points payment cannot pay an
invoice again once its points are back with the client."""
# One idea per file (account_move.py is the accrual source):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, models
from odoo.exceptions import UserError

from .account_payment_points import BOOKED_ELSEWHERE


class AccountMove(models.Model):
    _inherit = "account.move"

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
                continue  # Register Payment: spends the points (account_move_points_payment.py)
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

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # Refused before Odoo unmatches anything: a reversal of a reversal,
        # a second reversal of a points payment.
        if not BOOKED_ELSEWHERE.get():
            for move in self._loyalty_on_points_journal():
                reversed_before = move.reversal_move_ids.filtered(lambda r: r.state == "posted")
                if move.reversed_entry_id or reversed_before:
                    move._loyalty_refuse_on_points_journal()
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def _post(self, soft=True):
        reversals = self.browse()
        if not BOOKED_ELSEWHERE.get():
            drafts = self.filtered(lambda m: m.state == "draft")
            drafts._loyalty_check_points_journal_post()
            reversals = drafts._loyalty_on_points_journal().filtered(
                lambda m: m._loyalty_is_points_reversal()
            )
        posted = super()._post(soft=soft)
        # "Reverse Entry" on a points payment's entry unpays the invoice: the
        # points come back, with their expiry dates, when the reversal is
        # posted (once: a later reset finds nothing left to give back).
        for payment in reversals.filtered(
            lambda m: m.state == "posted"
        ).reversed_entry_id._loyalty_points_payments():
            payment._loyalty_give_back()
        return posted

    def button_draft(self):
        reversals = self.filtered(lambda m: m.state == "posted")._loyalty_on_points_journal()
        if any(move._loyalty_is_points_reversal() for move in reversals):
            raise UserError(
                _(
                    "The reversal of a loyalty points payment is final: its points are back with the client. "
                    "To take a payment with points again, use Register Payment on the invoice."
                )
            )
        return super().button_draft()


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_plan_with_sync(self, plan_list, all_amls):
        all_amls._loyalty_check_points_matching()
        return super()._reconcile_plan_with_sync(plan_list, all_amls)

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
