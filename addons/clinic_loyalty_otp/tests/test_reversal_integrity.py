"""A points payment used twice, tried by a Billing user (base.group_user +
Contact Creation + Billing): Reverse Entry on the payment gives the points
back; the reversal reversed, reset, unmatched or re-matched must not pay the
invoice again while the client keeps the points, and nothing else is posted
on the "Loyalty points payments" journal."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_invoice_points_payment import InvoicePointsCommon


@tagged("post_install", "-at_install")
class TestPointsPaymentReversalIntegrity(InvoicePointsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._new_user(
            "otp_billing_clerk",
            "employee",
            cls.company,
            "base.group_partner_manager",
            "account.group_account_invoice",
        )

    def reverse(self, move, user=None):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(user or self.billing)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "reason": "booked by mistake"})
        )
        wizard.refund_moves()
        return wizard.new_move_ids

    def receivable(self, move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def paid_and_reversed(self):
        payment = self.pay(30.0)
        self.assertEqual((self.balance(), self.invoice.payment_state), (800, "partial"))
        reversal = self.reverse(payment.move_id)
        self.assertEqual((self.balance(), self.invoice.payment_state), (1100, "not_paid"))
        return payment, reversal

    def assert_nothing_paid_twice(self):
        self.env.invalidate_all()
        self.assertEqual(self.invoice.payment_state, "not_paid", "the points payment pays nothing any more")
        self.assertEqual(self.invoice.amount_residual, 100.0)
        self.assertEqual(self.balance(), 1100, "the client has the points back")

    def test_reversal_of_the_reversal_refused(self):
        payment, reversal = self.paid_and_reversed()
        with self.assertRaisesRegex(UserError, "reversed once"):
            self.reverse(reversal)
        self.assertFalse(reversal.reversal_move_ids.filtered(lambda m: m.state == "posted"))
        # the payment's line is still matched with its reversal: nothing to re-match
        self.assertTrue(self.receivable(payment.move_id).reconciled)
        self.assert_nothing_paid_twice()

    def test_payment_reversed_twice_refused(self):
        payment, _reversal = self.paid_and_reversed()
        with self.assertRaisesRegex(UserError, "reversed once"):
            self.reverse(payment.move_id)
        self.assert_nothing_paid_twice()

    def test_reversal_reset_refused(self):
        _payment, reversal = self.paid_and_reversed()
        with self.assertRaisesRegex(UserError, "final"):
            reversal.with_user(self.billing).button_draft()
        self.assertEqual(reversal.state, "posted")
        self.assert_nothing_paid_twice()

    def test_unmatched_payment_cannot_pay_the_invoice_again(self):
        payment, _reversal = self.paid_and_reversed()
        line = self.receivable(payment.move_id).with_user(self.billing)
        line.remove_move_reconcile()
        self.assertFalse(line.reconciled)
        with self.assertRaisesRegex(UserError, "back with the client"):
            self.invoice.with_user(self.billing).js_assign_outstanding_line(line.id)
        with self.assertRaisesRegex(UserError, "back with the client"):
            (line | self.receivable(self.invoice).with_user(self.billing)).reconcile()
        self.assert_nothing_paid_twice()

    def test_reset_payment_cannot_pay_the_invoice_again(self):
        payment = self.pay(30.0)
        payment.move_id.with_user(self.billing).button_draft()
        self.assertEqual(self.balance(), 1100)
        with self.assertRaisesRegex(UserError, "made from the invoice"):
            payment.move_id.with_user(self.billing).action_post()
        self.assert_nothing_paid_twice()

    def test_no_other_entry_on_the_points_journal(self):
        """A hand-made entry on the points journal (Dr liability, Cr the
        client's receivable) would pay the invoice without spending points."""
        receivable = self.receivable(self.invoice).account_id
        move = (
            self.env["account.move"]
            .with_user(self.billing)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self.journal.id,
                    "line_ids": [
                        Command.create({"account_id": self.liability.id, "debit": 100.0}),
                        Command.create(
                            {"account_id": receivable.id, "credit": 100.0, "partner_id": self.client.id}
                        ),
                    ],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "cannot be posted"):
            move.action_post()
        self.assertEqual(move.state, "draft")
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertEqual(self.balance(), 1100)

    def test_points_payment_and_its_reversal_still_work(self):
        """Odoo's own flows are untouched: paying with points, cash for the
        rest, and a cash payment reversed and paid again."""
        self.pay(30.0)
        cash = self.company_data["default_journal_bank"]
        self.wizard(70.0, user=self.env.user, journal=cash).action_create_payments()
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(self.balance(), 800)


@tagged("post_install", "-at_install")
class TestCreditNotePaidOutInCash(InvoicePointsCommon):
    """An invoice paid 30.00 with points and 70.00 in cash, credited by a
    Billing user: at most 70.00 goes back as money, the 30.00 as points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._new_user(
            "otp_billing_refunds",
            "employee",
            cls.company,
            "base.group_partner_manager",
            "account.group_account_invoice",
        )
        cls.cash = cls.company_data["default_journal_cash"]

    def setUp(self):
        super().setUp()
        self.points_payment = self.pay(30.0)
        self.wizard(70.0, user=self.billing, journal=self.cash).action_create_payments()
        self.assertEqual((self.invoice.payment_state, self.balance()), ("paid", 800))

    def credit_note(self):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
            .create({"journal_id": self.invoice.journal_id.id, "reason": "returned"})
        )
        wizard.refund_moves()
        credit_note = wizard.new_move_ids.with_user(self.billing)
        credit_note.action_post()
        return credit_note

    def pay_out(self, credit_note, amount):
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=credit_note.ids)
            .create({"journal_id": self.cash.id, "amount": amount})
        )
        with self.env.cr.savepoint():
            wizard.action_create_payments()

    def reverse_points_payment(self):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=self.points_payment.move_id.ids)
            .create({"journal_id": self.journal.id, "reason": "points back"})
        )
        wizard.refund_moves()

    def receivable(self, move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def test_credit_paid_out_wholly_in_cash_refused(self):
        credit_note = self.credit_note()
        with self.assertRaisesRegex(UserError, "pay back at most 70.0 another way"):
            self.pay_out(credit_note, 100.0)
        self.env.invalidate_all()
        self.assertEqual(credit_note.amount_residual, 100.0, "nothing paid out")
        # the money part in money, the points part as points
        self.pay_out(credit_note, 70.0)
        self.reverse_points_payment()
        self.assertEqual(self.balance(), 1100, "the points came back")
        self.assertEqual(self.invoice.amount_residual, 30.0)
        self.invoice.with_user(self.billing).js_assign_outstanding_line(self.receivable(credit_note).id)
        self.assertEqual((self.invoice.payment_state, credit_note.payment_state), ("paid", "paid"))
        self.assertEqual(self.balance(), 1100)

    def test_points_given_back_first_then_credit_paid_out_in_cash_refused(self):
        self.reverse_points_payment()
        self.assertEqual(self.balance(), 1100)
        credit_note = self.credit_note()
        # Odoo matches the credit note with what is left to pay on the invoice
        self.assertEqual((self.invoice.amount_residual, credit_note.amount_residual), (0.0, 70.0))
        self.pay_out(credit_note, 70.0)
        # unmatched from the invoice, that 30.00 would go out in cash too
        partial = self.receivable(credit_note).matched_debit_ids.filtered(
            lambda p: p.debit_move_id.move_id == self.invoice
        )
        self.assertEqual(partial.amount, 30.0)
        partial.with_user(self.billing).unlink()
        with self.assertRaisesRegex(UserError, "pay back at most 70.0 another way"):
            self.pay_out(credit_note, 30.0)
        self.env.invalidate_all()
        self.assertEqual(credit_note.amount_residual, 30.0, "nothing more paid out")
        self.assertEqual(self.balance(), 1100)

    def test_points_payment_never_paid_out_in_cash(self):
        """Unmatched from its invoice, the points payment's credit is not
        matched with money going out (an outbound cash payment)."""
        self.receivable(self.invoice).with_user(self.billing).remove_move_reconcile()
        outbound = (
            self.env["account.payment"]
            .with_user(self.billing)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": self.client.id,
                    "amount": 30.0,
                    "journal_id": self.cash.id,
                }
            )
        )
        outbound.action_post()
        lines = self.receivable(outbound.move_id) | self.receivable(self.points_payment.move_id)
        with self.assertRaisesRegex(UserError, "pays customer invoices only"):
            lines.with_user(self.billing).reconcile()
        self.assertEqual(self.balance(), 800)


@tagged("post_install", "-at_install")
class TestPointsPaymentReversedLater(InvoicePointsCommon):
    """Reverse Entry dated tomorrow makes a draft reversal (posted on its
    date): the points come back when it is posted, not before, so deleting
    the draft cannot leave the invoice paid and the points with the client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._new_user(
            "otp_billing_later",
            "employee",
            cls.company,
            "base.group_partner_manager",
            "account.group_account_invoice",
        )

    def test_points_back_only_when_the_reversal_is_posted(self):
        payment = self.pay(30.0)
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=payment.move_id.ids)
            .create(
                {
                    "journal_id": self.journal.id,
                    "reason": "later",
                    "date": fields.Date.today() + timedelta(days=1),
                }
            )
        )
        wizard.refund_moves()
        reversal = wizard.new_move_ids.with_user(self.billing)
        self.assertEqual((reversal.state, reversal.auto_post), ("draft", "at_date"))
        self.assertEqual((self.balance(), self.invoice.payment_state), (800, "partial"), "not yet")
        reversal.unlink()
        self.assertEqual((self.balance(), self.invoice.payment_state), (800, "partial"))
        # reversed again, and this time posted: the points come back once
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=payment.move_id.ids)
            .create({"journal_id": self.journal.id, "reason": "now"})
        )
        wizard.refund_moves()
        self.assertEqual((self.balance(), self.invoice.payment_state), (1100, "not_paid"))
