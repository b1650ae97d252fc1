from unittest.mock import patch
from uuid import uuid4

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosOrder(OtpPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_pos_config.with_user(cls.pos_user).open_ui()

    def loyalty_order(self, uid=None, partner=None, amount=12.0, transaction=None, challenge_id=None):
        uid = uid or str(uuid4())
        transaction = transaction if transaction is not None else f"OTP-{challenge_id}"
        return self.payload(
            uid,
            self.client if partner is None else partner,
            [(self.loyalty_method, amount, transaction), (self.cash_method, 50.0 - amount, None)],
        )

    def assertRefused(self, payload, balance=100):
        with self.assertRaises(UserError) as caught:
            self.sync(payload)
        # A refusal the cashier can act on, not an AccessError (a UserError too).
        self.assertIs(type(caught.exception), UserError, caught.exception)
        self.assertFalse(
            self.env["pos.order"].search([("uuid", "=", payload["uuid"])]), "the order is not recorded"
        )
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, balance, "nothing consumed")

    def test_spend_in_the_order_transaction(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        order = self.sync(self.loyalty_order(uid, challenge_id=challenge_id))
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.account.balance, 60)
        entry = self.account.entry_ids.filtered(lambda e: e.kind == "redemption")
        self.assertEqual((entry.points, entry.res_model, entry.res_id), (-40, "pos.order", order.id))
        challenge = self.Challenge.sudo().browse(challenge_id)
        self.assertEqual((challenge.state, challenge.pos_order_id), ("used", order))
        self.assertTrue(self.reward.redeemed)

    def test_one_row_lock_of_the_account_per_spend(self):
        """The account is locked once in a spend at the counter: the check,
        the code and the ledger entry all work under that one lock."""
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        Account = type(self.env["clinic.loyalty.account"])
        real_lock, locked = Account._lock, []

        def counting_lock(accounts):
            locked.extend(accounts.ids)
            return real_lock(accounts)

        with patch.object(Account, "_lock", counting_lock):
            order = self.sync(self.loyalty_order(uid, challenge_id=challenge_id))
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.account.balance, 60)
        self.assertEqual(locked, [self.account.id])

    def test_forged_payloads_refused(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        self.assertRefused(self.loyalty_order(uid, amount=20.0, challenge_id=challenge_id))
        self.assertRefused(self.loyalty_order(uid, partner=self.other_client, challenge_id=challenge_id))
        self.assertRefused(self.loyalty_order(str(uuid4()), challenge_id=challenge_id))
        self.assertRefused(self.loyalty_order(uid, transaction=""))
        self.assertRefused(self.loyalty_order(uid, transaction="OTP-999999"))
        self.assertRefused(self.loyalty_order(uid, partner=False, challenge_id=challenge_id))
        # still spendable once, for what was verified; then a replay is refused
        self.sync(self.loyalty_order(uid, challenge_id=challenge_id))
        self.assertEqual(self.account.balance, 60)
        self.assertRefused(self.loyalty_order(str(uuid4()), challenge_id=challenge_id), balance=60)

    def test_unverified_challenge_refused(self):
        uid = str(uuid4())
        data = self.send_code(user=self.pos_user, amount_due=50.0, pos_order_uid=uid)
        self.verify(data["id"], code="000000", user=self.pos_user)
        self.assertRefused(self.loyalty_order(uid, challenge_id=data["id"]))

    def test_pos_needs_a_verified_code_even_with_the_setting_off(self):
        """The setting governs the back office; at the counter a cashier alone
        never spends points."""
        self.company.loyalty_otp_required = False
        uid = str(uuid4())
        self.assertRefused(self.loyalty_order(uid, transaction=""))
        data = self.send_code(user=self.pos_user, amount_due=50.0, pos_order_uid=uid)
        self.assertRefused(self.loyalty_order(uid, challenge_id=data["id"]))
        self.verify(data["id"], user=self.pos_user)
        self.sync(self.loyalty_order(uid, challenge_id=data["id"]))
        self.assertEqual(self.account.balance, 60)

    def test_value_capped_to_amount_due(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid, reward=self.big_reward, amount_due=30.0)
        self.assertEqual(self.Challenge.sudo().browse(challenge_id).value, 30.0)
        self.assertRefused(self.loyalty_order(uid, amount=45.0, challenge_id=challenge_id))
        self.sync(self.loyalty_order(uid, amount=30.0, challenge_id=challenge_id))
        self.assertEqual(self.account.balance, 10)

    def test_refund_restores_points_once(self):
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        order = self.sync(self.loyalty_order(uid, challenge_id=challenge_id))
        self.assertEqual(self.account.balance, 60)
        refund = self.payload(
            str(uuid4()),
            self.client,
            [(self.loyalty_method, -12.0, "OTP-REFUND"), (self.cash_method, -38.0, None)],
            qty=-1,
            refunded_line=order.lines,
        )
        refund_order = self.sync(refund)
        self.assertEqual(refund_order.refunded_order_id, order)
        self.assertEqual(self.account.balance, 100)
        entry = self.account.entry_ids.filtered(lambda e: e.kind == "refund")
        self.assertEqual((entry.points, entry.res_id), (40, refund_order.id))
        again = self.payload(
            str(uuid4()),
            self.client,
            [(self.loyalty_method, -12.0, "OTP-REFUND"), (self.cash_method, -38.0, None)],
            qty=-1,
            refunded_line=order.lines,
        )
        self.assertRefused(again, balance=100)
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.account._check_drift())

    def test_refund_gives_points_back_with_their_expiry_date(self):
        Account = self.env["clinic.loyalty.account"].sudo()
        Lot = self.env["clinic.loyalty.lot"].sudo()
        self.company.loyalty_expiry_months = 6
        Account._post_entries(
            [{"account_id": self.account.id, "points": 40, "kind": "adjustment", "key": "otp-test-6m"}]
        )
        six_months = Lot.search([("account_id", "=", self.account.id), ("expiry_date", "!=", False)])
        self.assertEqual(len(six_months), 1)
        self.company.loyalty_expiry_months = 24  # a later rule must not extend the refunded points
        uid = str(uuid4())
        order = self.sync(self.loyalty_order(uid, challenge_id=self.pos_code(uid)))
        self.assertEqual(six_months.remaining, 0, "the points that expire first were spent")
        refund_order = self.sync(
            self.payload(
                str(uuid4()),
                self.client,
                [(self.loyalty_method, -12.0, "OTP-REFUND"), (self.cash_method, -38.0, None)],
                qty=-1,
                refunded_line=order.lines,
            )
        )
        refund = self.account.entry_ids.filtered(lambda e: e.kind == "refund" and e.res_id == refund_order.id)
        back = Lot.search([("entry_id", "=", refund.id)])
        self.assertEqual(sum(back.mapped("points")), 40)
        self.assertEqual(set(back.mapped("expiry_date")), {six_months.expiry_date})
        self.assertEqual(self.account.balance, 140)

    def test_refund_in_points_needs_a_points_order(self):
        cash_order = self.sync(self.payload(str(uuid4()), self.client, [(self.cash_method, 50.0, None)]))
        refund = self.payload(
            str(uuid4()),
            self.client,
            [(self.loyalty_method, -50.0, "OTP-REFUND")],
            qty=-1,
            refunded_line=cash_order.lines,
        )
        self.assertRefused(refund)

    def test_test_mode_consumes_nothing(self):
        self.company.loyalty_status = "test"
        self.main_pos_config.loyalty_training = True
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        challenge = self.Challenge.sudo().browse(challenge_id)
        self.assertTrue(challenge.test_mode)
        order = self.sync(self.loyalty_order(uid, challenge_id=challenge_id))
        self.assertEqual(order.state, "paid")
        self.assertEqual(challenge.state, "used")
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.account.entry_ids.filtered(lambda e: e.kind == "redemption"))

    def test_pos_loads_rewards_not_balances(self):
        session = self.main_pos_config.current_session_id.with_user(self.pos_user)
        models = session._load_pos_data_models(self.main_pos_config.id)
        self.assertIn("clinic.loyalty.reward", models)
        self.assertNotIn("clinic.loyalty.account", models, "balances are fetched per client, on demand")
        data = (
            self.env["clinic.loyalty.reward"]
            .with_user(self.pos_user)
            ._load_pos_data(
                {
                    "pos.config": {"data": [{"id": self.main_pos_config.id}]},
                    "pos.session": {"data": [{"id": session.id}]},
                }
            )
        )
        self.assertIn("Free nail clipping", [r["name"] for r in data["data"]])
        info = self.Challenge.with_user(self.pos_user).otp_pos_info(self.client.id)
        self.assertEqual((info["balance"], info["test_mode"]), (100, False))
