from uuid import uuid4

from odoo.tests import tagged

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosAccrual(OtpPosCommon):
    """Paid POS orders of a client earn points through the accrual engine,
    once, on what was not paid with points (1 point per 10.00)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_earning_shop()

    def cash_order(self, qty=1, partner=None, **values):
        payload = self.payload(
            str(uuid4()), partner or self.client, [(self.cash_method, 50.0 * qty, None)], qty=qty
        )
        payload.update(values)
        return self.sync(payload)

    def accrual_entries(self, order):
        return self.account.entry_ids.filtered(lambda e: e.res_model == "pos.order" and e.res_id == order.id)

    def test_order_paid_in_cash_earns(self):
        order = self.cash_order()
        self.assertFalse(order.loyalty_synced)
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105)
        entry = self.accrual_entries(order)
        self.assertEqual((entry.kind, entry.points, entry.amount), ("accrual", 5, 50.0))
        self.assertEqual((order.loyalty_synced, order.loyalty_points), (True, 5))
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105, "a replay changes nothing")

    def test_order_without_client_or_eligible_item_earns_nothing(self):
        anonymous = self.payload(str(uuid4()), False, [(self.cash_method, 50.0, None)])
        anonymous = self.sync(anonymous)
        self.grooming.product_tmpl_id.with_company(self.company).loyalty_eligible = False
        not_eligible = self.cash_order()
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 100)
        self.assertEqual((anonymous.loyalty_points, not_eligible.loyalty_points), (0, 0))

    def test_part_paid_with_points_earns_only_on_the_rest(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        order = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
            )
        )
        self.assertEqual(self.account.balance, 60)
        self.Accrual._run_accrual()
        self.assertEqual(
            self.accrual_entries(order).filtered(lambda e: e.points > 0).points, 3, "38.00 paid in cash"
        )
        self.assertEqual(self.account.balance, 63)

    def test_refund_takes_back_in_proportion(self):
        order = self.cash_order(qty=2)
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 110)
        refund = self.sync(
            self.payload(
                str(uuid4()),
                self.client,
                [(self.cash_method, -50.0, None)],
                qty=-1,
                refunded_line=order.lines,
            )
        )
        self.assertFalse(order.loyalty_synced, "the refund re-evaluates its order")
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105)
        self.assertEqual(order.loyalty_points, 5)
        self.assertEqual(refund.loyalty_points, 0)
        reversal = self.accrual_entries(order).filtered(lambda e: e.points < 0)
        self.assertEqual((reversal.kind, reversal.points), ("reversal", -5))

    def test_order_invoiced_at_the_counter_earns_through_its_invoice_once(self):
        order = self.cash_order(to_invoice=True)
        self.assertTrue(order.account_move)
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105)
        self.assertEqual((order.loyalty_points, order.account_move.loyalty_points), (0, 5))

    def test_order_invoiced_after_it_earned_earns_once(self):
        order = self.cash_order()
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105)
        order.action_pos_order_invoice()
        invoice = order.account_move
        self.assertTrue(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105)
        self.assertEqual((order.loyalty_points, invoice.loyalty_points), (5, 0))

    def test_refund_invoiced_at_the_counter_takes_back_once(self):
        order = self.cash_order(qty=2)
        self.Accrual._run_accrual()
        refund = self.payload(
            str(uuid4()), self.client, [(self.cash_method, -50.0, None)], qty=-1, refunded_line=order.lines
        )
        refund["to_invoice"] = True
        refund = self.sync(refund)
        credit_note = refund.account_move
        self.assertEqual(
            (credit_note.move_type, credit_note.reversed_entry_id), ("out_refund", self.env["account.move"])
        )
        self.Accrual._run_accrual()
        self.assertEqual(self.account.balance, 105, "taken back through the order, not twice")
        self.assertEqual(credit_note.loyalty_points, 0)
