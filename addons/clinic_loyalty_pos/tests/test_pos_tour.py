import functools
from unittest.mock import patch

from odoo import sql_db
from odoo.tests import tagged

from odoo.addons.clinic_loyalty_otp.models.sms_sms import send_after_commit

from .common import OtpPosCommon


def _is_sms(hook):
    return isinstance(hook, functools.partial) and hook.func is send_after_commit


def sms_on_commit():
    """What a real commit does and a TestCursor does not: run the post-commit
    hooks that send the SMS."""
    commit = sql_db.TestCursor.commit

    def commit_and_run_hooks(cr):
        hooks = [f for f in cr.postcommit._funcs if _is_sms(f)]
        commit(cr)
        for hook in hooks:
            hook()

    return patch.object(sql_db.TestCursor, "commit", commit_and_run_hooks)


@tagged("post_install", "-at_install")
class TestPosTour(OtpPosCommon):
    def start_otp_tour(self, name):
        with self.fixed_code(), self.mockSMSGateway(), sms_on_commit():
            self.start_pos_tour(name, login="pos_user")
        self.env.invalidate_all()

    def last_order(self):
        return self.env["pos.order"].search(
            [("partner_id", "in", (self.client.id, False))], limit=1, order="id desc"
        )

    def test_happy_path(self):
        self.start_otp_tour("clinic_loyalty_otp_happy_path")
        order = self.last_order()
        self.assertEqual(order.state, "paid")
        loyalty = order.payment_ids.filtered(lambda p: p.payment_method_id == self.loyalty_method)
        self.assertEqual(loyalty.amount, 12.0)
        self.assertEqual(self.account.balance, 60)
        challenge = self.Challenge.sudo().search([("pos_order_id", "=", order.id)])
        self.assertEqual((challenge.state, challenge.pos_order_uid), ("used", order.uuid))
        self.assertSMSIapSent(["+32470123456"], content="493817")

    def test_wrong_code_then_right(self):
        self.start_otp_tour("clinic_loyalty_otp_wrong_then_right")
        challenge = self.Challenge.sudo().search([("account_id", "=", self.account.id)])
        self.assertEqual((challenge.state, challenge.attempts), ("used", 1))
        self.assertEqual(self.account.balance, 60)

    def test_cannot_receive_then_cash(self):
        self.start_otp_tour("clinic_loyalty_otp_cannot_receive")
        order = self.last_order()
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.payment_ids.payment_method_id, self.cash_method)
        self.assertEqual(
            self.Challenge.sudo().search([("account_id", "=", self.account.id)]).state, "cancelled"
        )
        self.assertEqual(self.account.balance, 100)

    def test_no_client(self):
        self.start_otp_tour("clinic_loyalty_otp_no_client")
        order = self.last_order()
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.partner_id)
        self.assertFalse(self.Challenge.sudo().search([("company_id", "=", self.company.id)]))
        self.assertEqual(self.account.balance, 100)

    def test_refund_gives_points_back(self):
        self.start_otp_tour("clinic_loyalty_otp_refund")
        refund = self.env["pos.order"].search([("amount_total", "<", 0)], limit=1, order="id desc")
        self.assertEqual(refund.refunded_order_id.state, "paid")
        loyalty = refund.payment_ids.filtered(lambda p: p.payment_method_id == self.loyalty_method)
        self.assertEqual(loyalty.amount, -12.0)
        self.assertEqual(self.account.balance, 100)
        self.assertEqual(self.account.entry_ids.filtered(lambda e: e.kind == "refund").points, 40)

    def test_test_mode_takes_nothing(self):
        self.company.loyalty_status = "test"
        self.main_pos_config.loyalty_training = True
        self.start_otp_tour("clinic_loyalty_otp_test_mode")
        self.assertEqual(self.last_order().state, "paid")
        challenge = self.Challenge.sudo().search([("account_id", "=", self.account.id)])
        self.assertEqual((challenge.state, challenge.test_mode), ("used", True))
        self.assertEqual(self.account.balance, 100)
