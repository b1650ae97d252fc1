"""Register Payment with points proposes what the client's points pay, says
plainly what is possible when the amount typed is not, and an invoice paid
with points says so in its payment widget and its chatter."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_invoice_points_payment import InvoicePointsCommon


@tagged("post_install", "-at_install")
class TestInvoicePointsWords(InvoicePointsCommon):
    def proposed(self, invoice):
        return (
            self.env["account.payment.register"]
            .with_user(self.cashier)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": self.journal.id})
        )

    def twenty_points_client(self):
        self.company.sudo().loyalty_point_value = 0.40
        partner = self.env["res.partner"].create({"name": "Otto Petowner", "mobile": "+32 470 11 22 33"})
        self._account_with_points(partner, self.company, 20, "invoice-words-seed", sudo=True)
        return partner

    def test_proposes_what_the_points_pay(self):
        # 20 points at 0.40 pay 8.00 of the 100.00 due.
        invoice = self.new_invoice(self.twenty_points_client())
        wizard = self.proposed(invoice)
        self.assertEqual(wizard.amount, 8.0)
        self.assertEqual(wizard.loyalty_points, 20)
        self.assertIn("20 points pay at most", wizard.loyalty_points_hint)
        self.assertIn("8.00", wizard.loyalty_points_hint)
        # Plenty of points: capped at what is due, in whole points (100.05 → 100.00).
        self.company.sudo().loyalty_point_value = 0.10
        wizard = self.proposed(self.new_invoice(self.client, price=100.05))
        self.assertEqual(wizard.amount, 100.0)
        # Another journal keeps the amount due.
        bank = self.company_data["default_journal_bank"]
        other = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": bank.id})
        )
        self.assertEqual(other.amount, 100.0)

    def test_impossible_amount_says_what_is_possible(self):
        invoice = self.new_invoice(self.twenty_points_client())
        with self.assertRaisesRegex(UserError, r"20 points pay at most .*8\.00.*; enter .*8\.00.* or less"):
            self.wizard(10.0, invoice).action_loyalty_otp_send()
        with self.assertRaisesRegex(UserError, r"not a whole number of points.*enter .*7\.60.* or .*8\.00"):
            self.wizard(7.9, invoice).action_loyalty_otp_send()
        with self.assertRaisesRegex(UserError, r"enter .*0\.40"):
            self.wizard(0.3, invoice).action_loyalty_otp_send()
        self.assertFalse(self.points_payments(invoice))

    def test_invoice_says_it_was_paid_with_points(self):
        payment = self.pay(30.0)
        self.invoice.invalidate_recordset(["invoice_payments_widget"])
        lines = self.invoice.invoice_payments_widget["content"]
        line = next(line for line in lines if line["account_payment_id"] == payment.id)
        self.assertTrue(line["loyalty_points"])
        self.assertEqual(line["journal_name"], "Loyalty points")
        messages = self.invoice.message_ids.mapped("body")
        self.assertTrue(
            any("300 loyalty points" in str(body) and "30.00" in str(body) for body in messages), messages
        )
        # A cash payment is shown as Odoo shows it.
        cash = self.company_data["default_journal_bank"]
        self.wizard(70.0, user=self.env.user, journal=cash).action_create_payments()
        self.invoice.invalidate_recordset(["invoice_payments_widget"])
        others = [
            line for line in self.invoice.invoice_payments_widget["content"] if not line.get("loyalty_points")
        ]
        self.assertEqual(len(others), 1)
