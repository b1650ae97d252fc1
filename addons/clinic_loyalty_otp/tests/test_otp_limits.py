"""How many codes and wrong guesses one code, one client and one cashier
get (``OTP_LIMITS``), and how long a code lives."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin

T0 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestOtpLimits(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    # ------------------------------------------------------------------
    def test_five_wrong_codes_kill_the_challenge(self):
        data = self.send_code()
        for attempt in range(4):
            result = self.verify(data["id"], code="111111")
            self.assertEqual(result["state"], "sent")
            self.assertEqual(result["attempts_left"], 4 - attempt)
            self.assertIn("Wrong code", result["message"])
        result = self.verify(data["id"], code="111111")
        self.assertEqual(result["state"], "dead")
        self.assertEqual(self.verify(data["id"])["state"], "dead", "the right code no longer works")
        with self.assertRaises(UserError):
            self.redeem(data["id"])

    def test_resend_delay_and_three_sms_per_challenge(self):
        with freeze_time(T0) as frozen:
            data = self.send_code(code="111111")
            frozen.tick(timedelta(seconds=59))
            with self.assertRaisesRegex(UserError, "Wait"):
                self.resend(data["id"])
            frozen.tick(timedelta(seconds=2))
            self.resend(data["id"], code="222222")
            self.assertSMSIapSent(["+32470123456"], content="222222")
            frozen.tick(timedelta(seconds=61))
            self.resend(data["id"], code=CODE)
            self.assertEqual(self.challenge(data).sms_count, 3)
            frozen.tick(timedelta(seconds=61))
            with self.assertRaisesRegex(UserError, "3 times"):
                self.resend(data["id"])
            self.assertIn(
                "Wrong", self.verify(data["id"], code="222222")["message"], "a resend replaces the code"
            )
            self.assertEqual(self.verify(data["id"])["state"], "verified")

    def test_five_sms_per_account_per_hour(self):
        with freeze_time(T0) as frozen:
            for _i in range(5):
                self.send_code()
                frozen.tick(timedelta(minutes=5))
            with self.assertRaisesRegex(UserError, "5 codes were already sent"):
                self.send_code()
            self.assertEqual(
                self.send_code(partner=self.other_client)["state"], "pending", "the limit is per account"
            )
            frozen.tick(timedelta(minutes=36))
            self.send_code()

    def test_ten_failures_lock_account_until_manager_unlocks(self):
        with freeze_time(T0) as frozen:
            for _i in range(2):
                data = self.send_code()
                for _j in range(5):
                    result = self.verify(data["id"], code="000000")
                frozen.tick(timedelta(minutes=2))
            self.assertTrue(self.account.otp_locked)
            self.assertIn("locked", result["message"])
            self.assertIn("locked", self.account.message_ids[0].body)
            with self.assertRaisesRegex(UserError, "locked"):
                self.send_code()
            with self.assertRaises(AccessError):
                self.account.with_user(self.cashier).action_otp_unlock()
            self.account.with_user(self.manager).action_otp_unlock()
            self.assertFalse(self.account.otp_locked)
            self.assertIn("unlocked", self.account.message_ids[0].body)
            data = self.send_code()
            self.assertEqual(self.verify(data["id"])["state"], "verified")

    def test_new_code_never_resets_the_account_count(self):
        with freeze_time(T0) as frozen:
            for _i in range(9):
                data = self.send_code()
                self.verify(data["id"], code="000000")
                frozen.tick(timedelta(minutes=13))
            self.assertFalse(self.account.otp_locked)
            data = self.send_code()
            result = self.verify(data["id"], code="000000")
            self.assertTrue(self.account.otp_locked, "10 failures in 24 h over ten challenges")
            self.assertTrue(result["locked"])
            # failures older than 24 h no longer count
            self.account.with_user(self.manager).action_otp_unlock()
            frozen.tick(timedelta(hours=25))
            data = self.send_code()
            self.verify(data["id"], code="000000")
            self.assertFalse(self.account.otp_locked)

    def test_failures_survive_the_request(self):
        """A wrong code over real JSON-RPC: the request must not roll the
        failure back."""
        data = self.send_code()
        self.authenticate("otp_cashier", "otp_cashier")
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "clinic.loyalty.otp.challenge",
                "method": "otp_verify",
                "args": [data["id"], "000000"],
                "kwargs": {},
            },
        )
        self.assertEqual(result["attempts_left"], 4)
        self.env.invalidate_all()
        self.assertEqual(self.challenge(data).attempts, 1)
        self.assertEqual(
            self.env["clinic.loyalty.otp.event"]
            .sudo()
            .search_count([("account_id", "=", self.account.id), ("kind", "=", "failure")]),
            1,
        )

    def test_old_events_are_vacuumed(self):
        Event = self.env["clinic.loyalty.otp.event"].sudo()
        with freeze_time(T0) as frozen:
            data = self.send_code()
            self.verify(data["id"], code="000000")
            frozen.tick(timedelta(days=1))
            Event._gc_old_events()
            self.assertEqual(Event.search_count([("account_id", "=", self.account.id)]), 2)
            frozen.tick(timedelta(days=1, seconds=1))
            Event._gc_old_events()
            self.env.invalidate_all()
            self.assertFalse(Event.search_count([("account_id", "=", self.account.id)]))
