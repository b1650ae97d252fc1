"""A dishonest cashier at the point of sale: "Loyalty points" payments that
no used code vouches for, over the entry points the POS has (``sync_from_ui``,
``action_pos_order_paid``, ``add_payment``, ``pos.payment`` CRUD), all
called over JSON-RPC ``call_kw`` as the POS user."""

from uuid import uuid4

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosInsider(OtpPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_pos_config.with_user(cls.pos_user).open_ui()
        cls.pos_user.sudo().groups_id += cls.env.ref("base.group_partner_manager")

    def call_kw(self, model, method, args, kwargs=None):
        self.authenticate(self.pos_user.login, self.pos_user.login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def order_payload(self, uid, payments, state="paid"):
        payload = self.payload(uid, self.client, payments)
        payload["state"] = state
        return payload

    def paid_in_points(self):
        """An order paid 12.00 with the client's code and 38.00 cash:
        (challenge id, order, its points payment)."""
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        order = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
            )
        )
        return (
            challenge_id,
            order,
            order.payment_ids.filtered(lambda p: p.payment_method_id == self.loyalty_method),
        )

    def assertNothingConsumed(self, balance=100):
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, balance)
        self.assertFalse(self.account._check_drift())

    # ------------------------------------------------------------------
    @mute_logger("odoo.http")
    def test_one_code_cannot_pay_twice(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        ref = f"OTP-{challenge_id}"
        payload = self.order_payload(
            uid, [(self.loyalty_method, 12.0, ref), (self.loyalty_method, 38.0, ref)]
        )
        with self.assertRaises(JsonRpcException):
            self.call_kw("pos.order", "sync_from_ui", [[payload]])
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", uid)]))
        self.assertNothingConsumed()
        self.assertEqual(self.Challenge.sudo().browse(challenge_id).state, "verified", "still the client's")

    @mute_logger("odoo.http")
    def test_draft_then_marked_paid_spends_or_refuses(self):
        # A draft carrying a payment no code vouches for, then marked paid.
        uid = str(uuid4())
        forged = self.order_payload(
            uid, [(self.loyalty_method, 12.0, "OTP-0"), (self.cash_method, 38.0, None)], state="draft"
        )
        self.call_kw("pos.order", "sync_from_ui", [[forged]])
        order = self.env["pos.order"].search([("uuid", "=", uid)])
        self.assertEqual(order.state, "draft")
        for method, args in (
            ("action_pos_order_paid", [order.ids]),
            ("write", [order.ids, {"state": "paid"}]),
        ):
            with self.assertRaises(JsonRpcException, msg=method):
                self.call_kw("pos.order", method, args)
            order.invalidate_recordset()
            self.assertEqual(order.state, "draft")
        self.assertNothingConsumed()
        # With the client's code, marking it paid spends the points, once.
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        draft = self.order_payload(
            uid,
            [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
            state="draft",
        )
        self.call_kw("pos.order", "sync_from_ui", [[draft]])
        order = self.env["pos.order"].search([("uuid", "=", uid)])
        self.assertNothingConsumed()
        self.call_kw("pos.order", "action_pos_order_paid", [order.ids])
        order.invalidate_recordset()
        self.assertEqual(order.state, "paid")
        self.assertNothingConsumed(balance=60)

    @mute_logger("odoo.http")
    def test_points_payments_only_come_with_the_order(self):
        order = self.sync(self.payload(str(uuid4()), self.client, [(self.cash_method, 50.0, None)]))
        self.assertEqual(order.state, "paid")
        challenge_id, paid_in_points, points_payment = self.paid_in_points()
        cash_payment = order.payment_ids
        vals = {
            "pos_order_id": order.id,
            "amount": 1000.0,
            "payment_method_id": self.loyalty_method.id,
            "transaction_id": f"OTP-{challenge_id}",
        }
        attacks = [
            ("pos.order", "add_payment", [order.ids, vals]),
            ("pos.payment", "create", [vals]),
            ("pos.payment", "write", [points_payment.ids, {"amount": 1000.0}]),
            ("pos.payment", "write", [points_payment.ids, {"pos_order_id": order.id}]),
            ("pos.payment", "write", [cash_payment.ids, {"payment_method_id": self.loyalty_method.id}]),
            ("pos.payment", "unlink", [points_payment.ids]),
        ]
        for model, method, args in attacks:
            with self.assertRaises(JsonRpcException, msg=f"{model}.{method}"):
                self.call_kw(model, method, args)
        self.env.invalidate_all()
        self.assertEqual(order.payment_ids, cash_payment)
        self.assertEqual(cash_payment.payment_method_id, self.cash_method)
        self.assertEqual((points_payment.amount, points_payment.pos_order_id), (12.0, paid_in_points))
        self.assertNothingConsumed(balance=60)

    @mute_logger("odoo.http")
    def test_a_sync_cannot_rewrite_another_orders_points_payment(self):
        """The payload of one order names another order's settled points
        payment in its ``payment_ids`` commands: update, delete, link."""
        _challenge_id, paid_in_points, points_payment = self.paid_in_points()
        for command in (
            [1, points_payment.id, {"amount": 50.0}],
            [2, points_payment.id],
            [3, points_payment.id],
            [4, points_payment.id],
            [6, 0, points_payment.ids],
        ):
            other = self.order_payload(str(uuid4()), [(self.cash_method, 50.0, None)], state="draft")
            other["payment_ids"].append(command)
            with self.assertRaises(JsonRpcException, msg=command):
                self.call_kw("pos.order", "sync_from_ui", [[other]])
            self.assertFalse(self.env["pos.order"].search([("uuid", "=", other["uuid"])]))
            self.env.invalidate_all()
            self.assertEqual(
                (points_payment.exists(), points_payment.amount, points_payment.pos_order_id),
                (points_payment, 12.0, paid_in_points),
                command,
            )
        self.assertNothingConsumed(balance=60)

    @mute_logger("odoo.http")
    def test_test_mode_pays_only_on_training_shops(self):
        self.company.loyalty_status = "test"
        uid = str(uuid4())
        with self.assertRaisesRegex(UserError, "except on a training point of sale"):
            self.pos_code(uid)
        self.assertFalse(self._sms, "no code sent for a sale that cannot be paid in points")
        with self.assertRaises(JsonRpcException):
            self.call_kw("pos.config", "write", [self.main_pos_config.ids, {"loyalty_training": True}])
        self.assertFalse(self.main_pos_config.loyalty_training)
        # A challenge made while On does not pay a real order once in Test.
        self.company.loyalty_status = "on"
        challenge_id = self.pos_code(uid)
        self.company.loyalty_status = "test"
        payload = self.payload(
            uid,
            self.client,
            [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
        )
        with self.assertRaises(JsonRpcException):
            self.call_kw("pos.order", "sync_from_ui", [[payload]])
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", uid)]))
        self.assertNothingConsumed()
