"""A credit note of an invoice paid (partly) with loyalty points gives the
points share back as points, never as money: what its credit notes pay out
other than against the invoice itself is at most what the invoice was paid
other than with points. The points share comes back by Reverse Entry on the
points payment (then the credit note is matched with the invoice)."""
# One idea per file (account_move.py is the accrual source):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

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

    def _loyalty_paid_otherwise(self, excluded):
        """What this move's receivable was matched with, in company currency,
        outside ``excluded`` moves and the points-payment journal."""
        self.ensure_one()
        points_journal = self.company_id.sudo().loyalty_payment_journal_id
        lines = self.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        total = 0.0
        for partial in lines.matched_debit_ids | lines.matched_credit_ids:
            other = partial.debit_move_id if partial.credit_move_id in lines else partial.credit_move_id
            if other.move_id in excluded or (points_journal and other.journal_id == points_journal):
                continue
            total += partial.amount
        return total

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
            paid_in = invoice._loyalty_paid_otherwise(credit_notes)
            allowed = min(paid_in, max(invoice.amount_total_signed - points, 0.0))
            paid_out = sum(cn._loyalty_paid_otherwise(invoice | credit_notes) for cn in credit_notes)
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


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_plan_with_sync(self, plan_list, all_amls):
        res = super()._reconcile_plan_with_sync(plan_list, all_amls)
        credit_notes = all_amls.move_id.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        )
        credit_notes.reversed_entry_id._loyalty_check_credit_paid_out()
        return res
