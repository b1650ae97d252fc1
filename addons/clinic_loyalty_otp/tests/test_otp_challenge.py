import logging
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin

T0 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestOtpChallenge(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    # ------------------------------------------------------------------
    def test_happy_path_sms_and_redeem(self):
        data = self.send_code()
        self.assertEqual(data["state"], "pending", "the SMS goes out after commit")
        challenge = self.challenge(data)
        self.assertEqual(challenge.state, "sent")
        self.assertEqual(challenge.phone, "+32470123456", "normalised to E.164 with the client's country")
        self.assertSMSIapSent(["+32470123456"])
        body = self._sms[0]["body"]
        self.assertIn(self.company.name, body)
        self.assertIn("40", body)
        self.assertIn("12.00", body)
        self.assertIn(CODE, body)
        kept = self.env["sms.sms"].sudo().search([("id", "in", self._new_sms.ids)])
        self.assertEqual(kept.state, "pending", "delivery is tracked")
        self.assertIn("••••••", kept.body)
        self.assertNotIn(CODE, kept.body)
        self.assertNotIn(CODE, repr(data))
        result = self.verify(data["id"])
        self.assertEqual(result["state"], "verified")
        self.assertNotIn(CODE, repr(result))
        self.redeem(data["id"])
        self.assertEqual(self.account.balance, 60)
        self.assertEqual(challenge.state, "used")
        with self.assertRaises(UserError, msg="a used code is never spent again"):
            self.redeem(data["id"], key="otp-redeem-2")
        self.assertEqual(self.account.balance, 60)

    def test_staff_redemption_without_code_refused(self):
        with self.assertRaisesRegex(UserError, "one-time code"):
            self.account.with_user(self.cashier)._redeem(40, "counter", "no-code", consent="staff")
        self.assertEqual(self.account.balance, 100)
        # A portal login is no proof of the client either (test_otp_portal).
        with self.assertRaisesRegex(UserError, "one-time code"):
            self.account._redeem(10, "portal", "portal-1", consent="portal")
        # the setting off: staff and portal redeem without a code
        self.company.loyalty_otp_required = False
        self.account.with_user(self.cashier)._redeem(40, "counter", "no-code", consent="staff")
        self.account._redeem(10, "portal", "portal-1", consent="portal")
        self.assertEqual(self.account.balance, 50)

    def test_setting_default_on(self):
        company = self.env["res.company"].create({"name": "New clinic"})
        self.assertTrue(company.loyalty_otp_required)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.loyalty_otp_sms_provider)

    def test_code_absent_from_database_and_logs(self):
        with self.assertLogs("odoo", level="DEBUG") as logs:
            data = self.send_code()
            self.verify(data["id"], code="000000")
            self.verify(data["id"])
            self.redeem(data["id"])
            _logger = logging.getLogger("odoo.addons.clinic_loyalty_otp")
            _logger.debug("end of scenario")
        self.assertTrue(self._sms and CODE in self._sms[0]["body"], "the code really went out")
        self.assertFalse([line for line in logs.output if CODE in line])
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'jsonb')
               AND c.table_name IN ('sms_sms', 'mail_message', 'mail_tracking_value', 'mail_notification',
                                    'clinic_loyalty_otp_challenge', 'clinic_loyalty_otp_event',
                                    'clinic_loyalty_entry', 'clinic_loyalty_account', 'ir_logging',
                                    'bus_bus', 'sms_tracker', 'res_partner')
        """)
        columns = self.env.cr.fetchall()
        self.assertGreater(len(columns), 20)
        for table, column in columns:
            self.env.cr.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s', [f"%{CODE}%"]
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0, f"code found in {table}.{column}")

    def test_expires_after_five_minutes(self):
        with freeze_time(T0) as frozen:
            data = self.send_code()
            frozen.tick(timedelta(minutes=4, seconds=59))
            self.assertEqual(self.verify(data["id"], code="000000")["state"], "sent")
            frozen.tick(timedelta(seconds=2))
            result = self.verify(data["id"])
            self.assertEqual(result["state"], "expired")
            self.assertIn("expired", result["message"])

    def test_verified_code_must_be_spent_soon(self):
        with freeze_time(T0) as frozen:
            data = self.send_code()
            self.verify(data["id"])
            frozen.tick(timedelta(minutes=31))
            with self.assertRaisesRegex(UserError, "too old"):
                self.redeem(data["id"])

    def test_one_live_challenge_per_account(self):
        first = self.send_code(code="111111")
        second = self.send_code(code="222222")
        self.assertEqual(self.challenge(first).state, "cancelled")
        self.assertEqual(self.verify(first["id"], code="111111")["state"], "cancelled")
        self.assertEqual(self.verify(second["id"], code="222222")["state"], "verified")

    def test_another_cashier_cannot_drive_the_challenge(self):
        data = self.send_code()
        with self.assertRaises(AccessError):
            self.verify(data["id"], user=self.cashier2)
        self.verify(data["id"])
        with self.assertRaises(UserError):
            self.redeem(data["id"], user=self.cashier2)

    def test_binding(self):
        data = self.send_code()
        self.verify(data["id"])
        with self.assertRaisesRegex(UserError, "does not match"):
            self.redeem(data["id"], account=self.other_account)
        with self.assertRaisesRegex(UserError, "does not match"):
            self.redeem(data["id"], points=30)
        with self.assertRaisesRegex(UserError, "does not match"):
            self.redeem(data["id"], value=20.0)
        with self.assertRaisesRegex(UserError, "does not match"):
            self.redeem(data["id"], pos_order_uid="other-order")
        self.assertEqual(self.challenge(data).state, "verified")
        self.redeem(data["id"], value=12.0)
        self.assertEqual(self.account.balance, 60)

    def test_send_failures_consume_nothing(self):
        for error, expected in (
            ("credit", "credits"),
            ("server_error", "provider"),
            ("jsonrpc_exception", "provider"),
            ("wrong_number_format", "cannot receive"),
        ):
            data = self.send_code(sim_error=error)
            challenge = self.challenge(data)
            self.assertEqual(challenge.state, "send_failed", error)
            status = self.Challenge.with_user(self.cashier).otp_status(data["id"])
            self.assertIn(expected, status["message"])
            self.assertEqual(self.verify(data["id"])["state"], "send_failed")
            self.assertEqual(self.account.balance, 100)
        self.assertFalse(
            self.env["clinic.loyalty.otp.event"]
            .sudo()
            .search_count([("account_id", "=", self.account.id), ("kind", "=", "sms")]),
            "undelivered codes do not count against the hourly limit",
        )
        self.assertEqual(
            set(self.env["sms.sms"].sudo().search([("partner_id", "=", self.client.id)]).mapped("state")),
            {"error"},
        )

    def test_not_enough_points_or_programme_off(self):
        self.env["clinic.loyalty.account"]._post_entries(
            [{"account_id": self.account.id, "points": -70, "kind": "adjustment", "key": "drain"}]
        )
        with self.assertRaisesRegex(UserError, "needs 40"):
            self.send_code()
        self.company.loyalty_status = "off"
        with self.assertRaisesRegex(UserError, "off"):
            self.send_code(partner=self.other_client)

    def test_verification_query_budget(self):
        data = self.send_code()
        self.verify(data["id"], code="000000")
        self.env.invalidate_all()
        # The cashier's wrong codes of the day are counted too.
        with self.assertQueryCount(10):
            self.verify(data["id"], code="000001")
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            self.verify(data["id"])

    def test_rpc_requires_staff(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "otp_portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.send_code(user=portal)
        self.assertFalse(self.Challenge.sudo().search([("partner_id", "=", self.client.id)]))
