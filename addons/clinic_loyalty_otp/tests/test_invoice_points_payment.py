"""An invoice paid with points (Register Payment → "Loyalty points
payments"), attacked by the front desk: no code, a code for another client or
amount, straight payments, over-payment; partial payment, the part paid with
points earning nothing, and cancelling giving the points back."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin


class InvoicePointsCommon(OtpCommonMixin, AccountTestInvoicingHttpCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic(company=cls.company_data["company"])
        cls.env.user.groups_id += cls.env.ref("clinic_loyalty.group_loyalty_manager")
        env = cls.env(su=True)
        cls.company.write(
            {
                "loyalty_point_value": 0.10,
                "loyalty_earning_mode": "per_transaction",
                "loyalty_spend_per_point": 10.0,
                "loyalty_min_transaction_amount": 0.0,
            }
        )
        cls._account_with_points(cls.client, cls.company, 1000, "invoice-pay-seed", sudo=True)
        billing = env.ref("account.group_account_invoice")
        cls.cashier.sudo().groups_id += billing
        cls.cashier2.sudo().groups_id += billing
        cls.clerk = cls._new_user("otp_clerk", "employee", cls.company, "account.group_account_invoice")
        cls.checkup = env["product.product"].create(
            {"name": "Check-up", "list_price": 100.0, "taxes_id": [Command.clear()], "loyalty_eligible": True}
        )
        cls.journal = cls.company.loyalty_payment_journal_id
        cls.liability = cls.company.loyalty_liability_account_id

    def setUp(self):
        super().setUp()
        self.invoice = self.new_invoice(self.client)

    def new_invoice(self, partner, price=100.0):
        invoice = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "invoice_line_ids": [
                        Command.create({"product_id": self.checkup.id, "price_unit": price, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def wizard(self, amount, invoice=None, user=None, journal=None, **values):
        invoice = invoice or self.invoice
        return (
            self.env["account.payment.register"]
            .with_user(user or self.cashier)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": (journal or self.journal).id, "amount": amount, **values})
        )

    def send(self, wizard, code=CODE):
        with self.fixed_code(code), self.mockSMSGateway():
            wizard.action_loyalty_otp_send()
            self.run_postcommit()

    def pay(self, amount, invoice=None, user=None):
        before = self.points_payments(invoice or self.invoice)
        wizard = self.wizard(amount, invoice, user)
        self.send(wizard)
        wizard.otp_code = CODE
        wizard.action_create_payments()
        return self.points_payments(invoice or self.invoice) - before

    def points_payments(self, invoice):
        return invoice.sudo().matched_payment_ids.filtered(lambda p: p.journal_id == self.journal)

    def balance(self, account=None):
        self.env.invalidate_all()
        return (account or self.account).sudo().balance


@tagged("post_install", "-at_install")
class TestInvoicePointsPayment(InvoicePointsCommon):
    def test_partial_payment_with_the_code(self):
        wizard = self.wizard(30.0)
        self.assertTrue(wizard.loyalty_points_payment)
        self.assertEqual((wizard.loyalty_points, wizard.loyalty_balance), (300, 1100))
        with self.assertRaisesRegex(UserError, "Send the code"):
            wizard.action_create_payments()
        self.send(wizard)
        challenge = wizard.otp_challenge_id.sudo()
        self.assertEqual((challenge.points, challenge.value), (300, 30.0))
        self.assertEqual(challenge.origin_ref, f"account.move:{self.invoice.id}")
        self.assertSMSIapSent(["+32470123456"], content=CODE)
        wizard.otp_code = "000000"
        action = wizard.action_create_payments()
        self.assertEqual(action["res_id"], wizard.id, "a wrong code reopens the wizard")
        self.assertIn("Wrong code", wizard.otp_message)
        self.assertFalse(self.points_payments(self.invoice))
        wizard.otp_code = CODE
        wizard.action_create_payments()

        payment = self.points_payments(self.invoice)
        self.assertEqual(len(payment), 1)
        self.assertEqual((payment.amount, payment.state), (30.0, "paid"))
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertEqual(self.invoice.amount_residual, 70.0)
        self.assertEqual(self.balance(), 800)
        self.assertEqual(challenge.state, "used")
        entry = self.env["clinic.loyalty.entry"].sudo().search([("res_model", "=", "account.payment")])
        self.assertEqual(
            (entry.points, entry.amount, entry.res_id, entry.kind, entry.source_name),
            (-300, 30.0, payment.id, "redemption", self.invoice.name),
        )
        self.assertIn("account.payment", self.env["clinic.loyalty.entry"]._loyalty_paid_sources())
        lines = payment.move_id.line_ids
        self.assertEqual(lines.filtered(lambda line: line.account_id == self.liability).debit, 30.0)
        self.assertEqual(
            lines.filtered(lambda line: line.account_id.account_type == "asset_receivable").credit, 30.0
        )

        # the rest (70.00 = 700 points of the 800 left) in cash: the invoice is paid
        cash = self.company_data["default_journal_bank"]
        self.wizard(70.0, user=self.env.user, journal=cash).action_create_payments()
        self.assertEqual(self.invoice.payment_state, "paid")

    def test_paid_part_does_not_earn(self):
        self.pay(30.0)
        self.wizard(
            70.0, user=self.env.user, journal=self.company_data["default_journal_bank"]
        ).action_create_payments()
        self.assertEqual(self.invoice.payment_state, "paid")
        other = self.new_invoice(self.client)
        self.wizard(
            100.0, invoice=other, user=self.env.user, journal=self.company_data["default_journal_bank"]
        ).action_create_payments()
        self.env["clinic.loyalty.accrual"].sudo()._run_accrual()
        accruals = (
            self.env["clinic.loyalty.entry"]
            .sudo()
            .search([("account_id", "=", self.account.id), ("kind", "=", "accrual")])
        )
        earned = {(e.res_id, e.points) for e in accruals}
        self.assertEqual(earned, {(self.invoice.id, 7), (other.id, 10)}, "70.00 paid in money earns 7 points")

    def test_overpayment_and_missing_points_refused(self):
        with self.assertRaisesRegex(UserError, "points never pay more than is due"):
            self.wizard(100.10).action_loyalty_otp_send()
        with self.assertRaisesRegex(UserError, "not a whole number of points"):
            self.wizard(30.05).action_loyalty_otp_send()
        poor = self.new_invoice(self.other_client)  # 100 points = 10.00
        with self.assertRaisesRegex(UserError, r"100 points pay at most .*10\.00; enter .*10\.00 or less"):
            self.wizard(50.0, invoice=poor).action_loyalty_otp_send()
        self.company.sudo().loyalty_point_value = 0.0
        with self.assertRaisesRegex(UserError, "no value of one point"):
            self.wizard(30.0).action_loyalty_otp_send()
        self.assertEqual(self.balance(), 1100)
        self.assertEqual(self.balance(self.other_account), 100)

    def test_code_for_another_client_or_amount_refused(self):
        # a code the other client read out for their own invoice
        theirs = self.wizard(10.0, invoice=self.new_invoice(self.other_client))
        self.send(theirs)
        self.verify(theirs.otp_challenge_id.id)
        forged = self.wizard(10.0, otp_challenge_id=theirs.otp_challenge_id.id)
        with self.assertRaisesRegex(UserError, "does not match the code"):
            forged.action_create_payments()
        # a code for 30.00, then the amount raised to 40.00
        wizard = self.wizard(30.0)
        self.send(wizard)
        wizard.otp_code = CODE
        wizard.amount = 40.0
        with self.assertRaisesRegex(UserError, "does not match the code"):
            wizard.action_create_payments()
        # a colleague's verified code
        colleague = self.wizard(30.0, user=self.cashier2)
        self.send(colleague)
        self.verify(colleague.otp_challenge_id.id, user=self.cashier2)
        with self.assertRaisesRegex(UserError, "does not match the code"):
            self.wizard(30.0, otp_challenge_id=colleague.otp_challenge_id.id).action_create_payments()
        self.assertFalse(self.points_payments(self.invoice))
        self.assertEqual(self.balance(), 1100)
        self.assertEqual(self.balance(self.other_account), 100)

    def test_no_points_without_the_register_payment_flow(self):
        payment = (
            self.env["account.payment"]
            .with_user(self.cashier)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.client.id,
                    "amount": 30.0,
                    "journal_id": self.journal.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "made from the invoice"):
            payment.action_post()
        # Odoo's own posting of the entry is guarded too
        with self.assertRaisesRegex(UserError, "made from the invoice"):
            payment.with_user(self.cashier).write({"state": "in_process"})
        with self.assertRaises(AccessError):
            self.wizard(30.0, user=self.clerk).action_loyalty_otp_send()
        self.assertEqual(self.balance(), 1100)

    def test_setting_off_and_test_mode(self):
        """Without codes required the front desk pays with points (the rules
        of every redemption); in Test nothing real is paid with points."""
        self.company.sudo().loyalty_otp_required = False
        self.wizard(30.0).action_create_payments()
        self.assertEqual(self.balance(), 800)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.company.sudo().loyalty_status = "test"
        with self.assertRaisesRegex(UserError, "is in Test"):
            self.wizard(30.0).action_create_payments()
        self.assertEqual(self.balance(), 800)
        self.company.sudo().loyalty_status = "on"
        self.account.sudo().otp_hold_until = "2999-01-01 00:00:00"
        self.company.sudo().loyalty_otp_required = True
        wizard = self.wizard(30.0)
        with self.assertRaisesRegex(UserError, "held"):
            self.send(wizard)

    def test_cancel_gives_the_points_back_once(self):
        payment = self.pay(30.0)
        self.assertEqual(self.balance(), 800)
        payment.action_draft()
        self.assertEqual(self.balance(), 1100)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        payment.action_cancel()
        self.assertEqual(self.balance(), 1100, "given back once")
        refund = (
            self.env["clinic.loyalty.entry"]
            .sudo()
            .search([("res_model", "=", "account.payment"), ("kind", "=", "refund")])
        )
        self.assertEqual((refund.points, refund.amount, refund.res_id), (300, 30.0, payment.id))
        with self.assertRaisesRegex(UserError, "made from the invoice"):
            payment.action_draft() or payment.action_post()
        self.assertEqual(self.balance(), 1100)
        # a second points payment, its journal entry reset from the entry itself
        second = self.pay(20.0)
        self.assertEqual(self.balance(), 900)
        second.move_id.button_draft()
        self.assertEqual(self.balance(), 1100)

    def test_reverse_entry_gives_the_points_back_with_their_dates(self):
        Lot = self.env["clinic.loyalty.lot"].sudo()
        self.company.loyalty_expiry_months = 6
        self.env["clinic.loyalty.account"].sudo()._post_entries(
            [{"account_id": self.account.id, "points": 300, "kind": "adjustment", "key": "pay-6m"}]
        )
        six_months = Lot.search([("account_id", "=", self.account.id), ("expiry_date", "!=", False)])
        self.company.loyalty_expiry_months = 24
        payment = self.pay(30.0)
        self.assertEqual((self.balance(), six_months.remaining), (1100, 0))
        self.assertEqual(self.invoice.payment_state, "partial")
        reversal = (
            self.env["account.move.reversal"]
            .sudo()
            .with_context(active_model="account.move", active_ids=payment.move_id.ids)
            .create({"journal_id": payment.move_id.journal_id.id, "reason": "booked by mistake"})
        )
        reversal.refund_moves()
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertEqual(self.balance(), 1400, "the points come back with the payment reversed")
        refund = self.account.sudo().entry_ids.filtered(lambda e: e.kind == "refund")
        back = Lot.search([("entry_id", "=", refund.id)])
        self.assertEqual(set(back.mapped("expiry_date")), {six_months.expiry_date})
        payment.action_draft()
        self.assertEqual(self.balance(), 1400, "given back once")


@tagged("post_install", "-at_install")
class TestInvoicePointsPaymentRpc(InvoicePointsCommon):
    """The same refusals through JSON-RPC, as a browser would send them."""

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_jsonrpc_without_code_refused(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        context = {"active_model": "account.move", "active_ids": self.invoice.ids}
        wizard_id = self.call(
            "account.payment.register",
            "create",
            {"journal_id": self.journal.id, "amount": 30.0},
            context=context,
        )
        with self.assertRaisesRegex(JsonRpcException, "UserError"), self.assertLogs(level="WARNING"):
            self.call("account.payment.register", "action_create_payments", [wizard_id], context=context)
        payment_id = self.call(
            "account.payment",
            "create",
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.client.id,
                "amount": 30.0,
                "journal_id": self.journal.id,
            },
        )
        with self.assertRaisesRegex(JsonRpcException, "UserError"), self.assertLogs(level="WARNING"):
            self.call("account.payment", "action_post", [payment_id])
        self.assertEqual(self.balance(), 1100)
        self.assertEqual(self.invoice.payment_state, "not_paid")
