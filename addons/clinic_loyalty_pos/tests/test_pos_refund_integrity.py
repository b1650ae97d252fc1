"""Returns that kept the points, and points turned into cash, tried by a
cashier of the lowest rights (base.group_user + Contact Creation + Point of
Sale User) through ``sync_from_ui``, and by a Billing user crediting an
order's invoice: every taking-back path takes back, the points share goes
back as points."""

from uuid import uuid4

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosRefundIntegrity(OtpPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_earning_shop()
        cls.cashier_pos = cls._new_user(
            "pos_refund_cashier",
            "employee",
            cls.company,
            "base.group_partner_manager",
            "point_of_sale.group_pos_user",
        )
        cls.billing = cls._new_user(
            "pos_refund_billing",
            "employee",
            cls.company,
            "base.group_partner_manager",
            "account.group_account_invoice",
        )

    def sync(self, payload, user=None):
        # (a code is spent by the user who asked for it: ``pos_user``)
        self.env["pos.order"].with_user(user or self.cashier_pos).sync_from_ui([payload])
        return self.env["pos.order"].search([("uuid", "=", payload["uuid"])])

    def assertRefused(self, payload, message):
        # (an RPC call's transaction is rolled back on the error: a savepoint here)
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self.sync(payload)
        self.env.invalidate_all()
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", payload["uuid"])]), "nothing recorded")

    def balance(self):
        self.env.invalidate_all()
        return self.account.balance

    def cash_order(self, qty=1):
        return self.sync(
            self.payload(str(uuid4()), self.client, [(self.cash_method, 50.0 * qty, None)], qty=qty)
        )

    def unlinked_return(self, partner, **values):
        payload = self.payload(str(uuid4()), partner, [(self.cash_method, -50.0, None)], qty=-1)
        payload.update(values)
        return payload

    # ------------------------------------------------------------------
    # A return rung up as a new order with negative quantities
    # ------------------------------------------------------------------
    def test_anonymous_return_without_original_refused(self):
        self.cash_order()
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)
        self.assertRefused(self.unlinked_return(False), "without the order it was bought on or the client")
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)

    def test_anonymous_negative_price_refused(self):
        payload = self.payload(str(uuid4()), False, [(self.cash_method, -50.0, None)])
        line = payload["lines"][0][2]
        line.update({"price_unit": -50.0, "price_subtotal": -50.0, "price_subtotal_incl": -50.0})
        payload["amount_total"] = -50.0
        self.assertRefused(payload, "without the order it was bought on or the client")

    def test_anonymous_return_of_an_item_that_earns_nothing_accepted(self):
        self.grooming.product_tmpl_id.with_company(self.company).loyalty_eligible = False
        self.assertEqual(self.sync(self.unlinked_return(False)).state, "paid")

    def test_return_with_the_client_takes_back(self):
        self.cash_order()
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)
        back = self.sync(self.unlinked_return(self.client))
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 100, "the return takes back from the client")
        self.assertEqual(back.loyalty_points, -5)

    def test_return_with_the_client_invoiced_takes_back(self):
        self.cash_order()
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)
        back = self.sync(self.unlinked_return(self.client, to_invoice=True))
        credit_note = back.account_move
        self.assertEqual(credit_note.move_type, "out_refund")
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 100, "the credit note of the return takes back")

    def test_linked_refund_invoiced_takes_back_once(self):
        order = self.cash_order(qty=2)
        self.Accrual._run_accrual()
        refund = self.payload(
            str(uuid4()), self.client, [(self.cash_method, -50.0, None)], qty=-1, refunded_line=order.lines
        )
        refund["to_invoice"] = True
        self.sync(refund)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105, "through the order, not twice")

    # ------------------------------------------------------------------
    # An order invoiced, then its invoice credited and paid out in cash
    # ------------------------------------------------------------------
    def credit_and_pay_out(self, invoice):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "returned"})
        )
        wizard.refund_moves()
        credit_note = wizard.new_move_ids
        credit_note.with_user(self.billing).action_post()
        cash = self.company_data["default_journal_cash"]
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=credit_note.ids
        ).create({"journal_id": cash.id}).action_create_payments()
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        return credit_note

    def test_invoice_of_an_order_that_earned_credited_takes_back(self):
        order = self.cash_order()
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)
        order.action_pos_order_invoice()
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)
        self.credit_and_pay_out(order.account_move)
        self.assertFalse(order.loyalty_synced, "the credit note re-evaluates the order")
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 100, "the order's points go back with the money")
        self.assertEqual(order.loyalty_points, 0)

    def test_order_invoiced_at_the_counter_credited_takes_back(self):
        payload = self.payload(str(uuid4()), self.client, [(self.cash_method, 50.0, None)])
        payload["to_invoice"] = True
        order = self.sync(payload)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 105)
        self.credit_and_pay_out(order.account_move)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance(), 100)

    # ------------------------------------------------------------------
    # An order paid partly with points, refunded wholly in cash
    # ------------------------------------------------------------------
    def points_order(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        order = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
            ),
            user=self.pos_user,
        )
        self.assertEqual(self.balance(), 60)
        return order

    def test_points_share_refunded_in_cash_refused(self):
        order = self.points_order()
        all_cash = self.payload(
            str(uuid4()), self.client, [(self.cash_method, -50.0, None)], qty=-1, refunded_line=order.lines
        )
        self.assertRefused(all_cash, "paid with loyalty points on")
        anonymous = self.payload(
            str(uuid4()), False, [(self.cash_method, -50.0, None)], qty=-1, refunded_line=order.lines
        )
        self.assertRefused(anonymous, "paid with loyalty points on")
        self.assertEqual(self.balance(), 60)
        # the points share in points, the rest in cash: the points come back
        refund = self.sync(
            self.payload(
                str(uuid4()),
                self.client,
                [(self.loyalty_method, -12.0, "OTP-REFUND"), (self.cash_method, -38.0, None)],
                qty=-1,
                refunded_line=order.lines,
            )
        )
        self.assertEqual(refund.state, "paid")
        self.assertEqual(self.balance(), 100)
        cash_out = -sum(
            refund.payment_ids.filtered(lambda p: p.payment_method_id == self.cash_method).mapped("amount")
        )
        self.assertEqual(cash_out, 38.0, "no more cash out than came in")

    def test_half_refund_keeps_the_points_share(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid, amount_due=100.0)
        order = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 88.0, None)],
                qty=2,
            ),
            user=self.pos_user,
        )
        # one of two items back: 6.00 of it was paid with points
        half_cash = self.payload(
            str(uuid4()), self.client, [(self.cash_method, -50.0, None)], qty=-1, refunded_line=order.lines
        )
        self.assertRefused(half_cash, "at most 44.0 another way")

    def test_points_share_refunded_in_cash_over_rpc_refused(self):
        """The refund made and paid by RPC calls (``_refund``, ``add_payment``,
        ``action_pos_order_paid``): refused, the refund stays unpaid."""
        order = self.points_order()
        refund = order.with_user(self.cashier_pos)._refund()
        self.assertEqual(refund.amount_total, -50.0)
        refund.add_payment(
            {
                "pos_order_id": refund.id,
                "amount": -50.0,
                "payment_method_id": self.cash_method.id,
                "name": "cash back",
            }
        )
        with self.assertRaisesRegex(UserError, "paid with loyalty points on"):
            refund.action_pos_order_paid()
        self.assertEqual(refund.state, "draft", "not paid out")
        self.assertEqual(self.balance(), 60)

    def test_invoiced_order_paid_with_points_credited_pays_back_the_cash_only(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        payload = self.payload(
            uid,
            self.client,
            [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
        )
        payload["to_invoice"] = True
        invoice = self.sync(payload, user=self.pos_user).account_move
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "returned"})
        )
        wizard.refund_moves()
        credit_note = wizard.new_move_ids.with_user(self.billing)
        credit_note.action_post()
        cash = self.company_data["default_journal_cash"]

        def pay_out(amount):
            self.env["account.payment.register"].with_user(self.billing).with_context(
                active_model="account.move", active_ids=credit_note.ids
            ).create({"journal_id": cash.id, "amount": amount}).action_create_payments()

        with self.assertRaisesRegex(UserError, "pay back at most 38.0 another way"), self.env.cr.savepoint():
            pay_out(50.0)
        self.env.invalidate_all()
        self.assertEqual(credit_note.amount_residual, 50.0)
        pay_out(38.0)
        self.assertEqual(credit_note.amount_residual, 12.0, "the points share is not paid out in cash")
