import logging
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase
from odoo.addons.sms.tools.sms_api import SmsApi

from .common import CODE, OtpCommonMixin

T0 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestOtpChallenge(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    def redeem(self, challenge_id, account=None, points=40, key="otp-redeem-1", user=None, **binding):
        account = (account or self.account).with_user(user or self.cashier)
        challenge = self.Challenge.browse(challenge_id)
        return account._redeem(
            points, "counter", key, consent="staff", challenge=challenge, otp_binding=binding or None
        )

    def challenge(self, data):
        return self.Challenge.sudo().browse(data["id"])

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

    def test_sms_provider_is_the_one_codes_go_through(self):
        # Without a Twilio account, the clinic pays codes with Odoo's SMS credits:
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertEqual(settings.loyalty_otp_sms_provider, "Odoo SMS credits (IAP)")
        action = settings.action_loyalty_otp_configure_sms()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("/iap/1/credit?", action["url"])
        self.assertIn("service_name=sms", action["url"])
        # ...and the code goes out through that provider's API, as the clinic.
        used = []

        def _record(api, messages, delivery_reports_url=False):
            used.append((type(api), api.company))
            return [{"uuid": n["uuid"], "state": "success"} for m in messages for n in m["numbers"]]

        with patch.object(SmsApi, "_send_sms_batch", autospec=True, side_effect=_record), self.fixed_code():
            self.Challenge.with_user(self.cashier).otp_request(self.client.id, self.reward.id)
            self.run_postcommit()
        self.assertEqual(used, [(SmsApi, self.company)])

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
        with self.assertRaisesRegex(UserError, "not verified or was already used"):
            self.redeem(data["id"])

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

    def test_one_live_challenge_per_account(self):
        first = self.send_code(code="111111")
        second = self.send_code(code="222222")
        self.assertEqual(self.challenge(first).state, "cancelled")
        self.assertEqual(self.verify(first["id"], code="111111")["state"], "cancelled")
        self.assertEqual(self.verify(second["id"], code="222222")["state"], "verified")

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

    def test_another_cashier_cannot_drive_the_challenge(self):
        data = self.send_code()
        with self.assertRaises(AccessError):
            self.verify(data["id"], user=self.cashier2)
        self.verify(data["id"])
        with self.assertRaisesRegex(UserError, "does not match the code the client confirmed"):
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

    def client_with_points(self, **vals):
        partner = self.env["res.partner"].create({"name": "New Petowner", **vals})
        return partner, self._account_with_points(partner, self.company, 50, f"seed-{partner.id}", sudo=True)

    def test_invalid_or_missing_number(self):
        partner, _account = self.client_with_points(mobile="12")
        with self.assertRaisesRegex(UserError, "no mobile registered"):
            self.send_code(partner=partner)
        partner, _account = self.client_with_points(phone="+32 2 555 12 12")
        self.assertEqual(
            self.challenge(self.send_code(partner=partner)).phone, "+3225551212", "falls back to phone"
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
