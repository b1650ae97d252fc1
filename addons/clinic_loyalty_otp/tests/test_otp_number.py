"""The number codes go to: fixed on the account, changed only by a Loyalty
Manager, and every change held and told."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin

T0 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestOtpNumber(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    # ------------------------------------------------------------------
    def test_invalid_or_missing_number(self):
        partner, _account = self.client_with_points(mobile="12")
        with self.assertRaisesRegex(UserError, "no mobile registered"):
            self.send_code(partner=partner)
        partner, _account = self.client_with_points(phone="+32 2 555 12 12")
        self.assertEqual(
            self.challenge(self.send_code(partner=partner)).phone, "+3225551212", "falls back to phone"
        )

    def test_phone_change_by_manager_only_logged_and_held(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.cashier).action_otp_change_phone("+32 470 00 00 01")
        for vals in ({"otp_phone": "+32470000001"}, {"otp_hold_until": False}, {"otp_locked": False}):
            with self.assertRaises(AccessError, msg="no unlogged shortcut, even for a manager"):
                self.account.with_user(self.manager).write(vals)
        with freeze_time(T0) as frozen:
            with self.mockSMSGateway():
                self.account.with_user(self.manager).action_otp_change_phone("0470 00 00 01")
                self.run_postcommit()
            self.assertSMSIapSent(["+32470123456"], content="changed")
            self.assertNotIn("+32470000001", [sms["number"] for sms in self._sms])
            self.assertEqual(self.account.otp_phone, "+32470000001")
            self.assertIn("+32470000001", self.account.message_ids[0].body)
            with self.assertRaisesRegex(UserError, "held"):
                self.send_code()
            frozen.tick(timedelta(hours=24, seconds=1))
            data = self.send_code()
            self.assertSMSIapSent(["+32470000001"], content=CODE)
            self.verify(data["id"])
            self.redeem(data["id"])
        with self.assertRaisesRegex(UserError, "not a valid"):
            self.account.with_user(self.manager).action_otp_change_phone("123")

    def test_client_mobile_change_does_not_redirect_codes(self):
        """The number is frozen on the account at the first code: editing the
        client's mobile (any user may) does not send codes elsewhere."""
        data = self.send_code()
        self.assertEqual(self.account.otp_phone, "+32470123456")
        self.verify(data["id"])
        self.client.mobile = "+32 470 55 55 55"
        self.redeem(data["id"])
        self.send_code(partner=self.client, reward=self.reward)
        self.assertSMSIapSent(["+32470123456"])

    def test_cashier_editing_the_mobile_before_any_code_does_not_redirect_codes(self):
        """The fraud: a cashier who may edit contacts puts their own number on
        a client who never received a code, then reads the code themselves."""
        self.cashier.sudo().groups_id += self.env.ref("base.group_partner_manager")
        self.assertEqual(self.account.otp_phone, "+32470123456", "fixed when the account was created")
        self.client.with_user(self.cashier).mobile = "+32 470 55 55 55"
        self.assertEqual(self.account.otp_phone, "+32470123456")
        self.assertIn("+32470555555", self.account.message_ids[0].body)
        self.send_code()
        self.assertSMSIapSent(["+32470123456"], content=CODE)
        self.assertNotIn("+32470555555", [sms["number"] for sms in self._sms])
        with self.assertRaises(AccessError, msg="the account's number stays a manager's business"):
            self.account.with_user(self.cashier).write({"otp_phone": "+32470555555"})

    def test_changing_the_client_country_does_not_redirect_codes(self):
        """The client's mobile is national ("0470 12 34 56", Belgium): another
        country would read it as another number."""
        self.cashier.sudo().groups_id += self.env.ref("base.group_partner_manager")
        self.client.with_user(self.cashier).country_id = self.env.ref("base.fr")
        self.send_code()
        self.assertSMSIapSent(["+32470123456"], content=CODE)

    def test_first_usable_number_is_a_managers_act(self):
        partner, account = self.client_with_points(mobile="12")
        self.assertFalse(account.otp_phone)
        with freeze_time(T0) as frozen:
            partner.mobile = "+32 470 66 66 66"
            self.assertFalse(account.otp_phone, "editing the contact never sets the number for codes")
            with self.assertRaisesRegex(UserError, "no mobile registered"):
                self.send_code(partner=partner)
            account.with_user(self.manager).action_otp_change_phone(partner.mobile)
            self.assertEqual(account.otp_phone, "+32470666666")
            self.assertTrue(any("held" in m.body for m in account.message_ids))
            with self.assertRaisesRegex(UserError, "held"):
                self.send_code(partner=partner)
            frozen.tick(timedelta(hours=24, seconds=1))
            self.send_code(partner=partner)
            self.assertSMSIapSent(["+32470666666"], content=CODE)
