"""A dishonest cashier and the one-time code: who the codes go to, whose
contacts a cashier may probe, how many guesses and codes one login gets, and
which clinic's SMS account sends them."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase
from odoo.addons.sms.tools.sms_api import SmsApi

from ..models.loyalty_otp_event import OTP_LIMITS
from .common import OtpCommonMixin

T0 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestOtpInsider(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()
        cls.cashier.sudo().groups_id += cls.env.ref("base.group_partner_manager")

    def new_client(self, **vals):
        return self.env["res.partner"].create({"name": "New Petowner", "email": "new@example.com", **vals})

    def open_account(self, partner, points=50):
        return self._account_with_points(partner, self.company, points, f"seed-{partner.id}", sudo=True)

    # ------------------------------------------------------------------
    def test_cashier_number_on_a_client_without_one_is_never_used(self):
        partner = self.new_client()
        account = self.open_account(partner)
        self.assertFalse(account.otp_phone)
        with freeze_time(T0) as frozen:
            partner.with_user(self.cashier).mobile = "+32 470 55 55 55"
            self.assertFalse(account.otp_phone, "a first number is a Loyalty Manager's act")
            frozen.tick(timedelta(hours=25))
            with self.assertRaisesRegex(UserError, "no mobile registered"):
                self.send_code(partner=partner)
            self.assertFalse([sms for sms in self._sms if sms["number"] == "+32470555555"])
            # The manager's first number: held, logged, the client's email told.
            with self.mockSMSGateway():
                account.with_user(self.manager).action_otp_change_phone("+32 470 66 66 66")
                self.run_postcommit()
            self.assertEqual(account.otp_phone, "+32470666666")
            self.assertTrue(account.otp_hold_until)
            self.assertIn(partner, account.message_ids[0].partner_ids, "the client is emailed")
            with self.assertRaisesRegex(UserError, "held"):
                self.send_code(partner=partner)

    def test_number_typed_before_the_account_exists_is_held_and_told(self):
        partner = self.new_client(mobile="0470 11 11 11", country_id=self.env.ref("base.be").id)
        with freeze_time(T0) as frozen:
            partner.with_user(self.cashier).mobile = "0470 55 55 55"
            account = self.open_account(partner)  # as the nightly accrual does
            self.assertEqual(account.otp_phone, "+32470555555")
            self.assertTrue(account.otp_hold_until, "a number staff typed is held")
            self.assertIn("+32470555555", account.message_ids[0].body)
            self.assertIn(partner, account.message_ids[0].partner_ids, "the client is emailed")
            with self.assertRaisesRegex(UserError, "held"):
                self.send_code(partner=partner)
            frozen.tick(timedelta(hours=24, seconds=1))
            self.send_code(partner=partner)
        # A contact created with its number (the usual registration) is not held.
        fresh = self.new_client(mobile="+32 470 22 22 22")
        account = self.open_account(fresh)
        self.assertEqual((account.otp_phone, account.otp_hold_until), ("+32470222222", False))
        # The flag cannot be cleared by the cashier.
        partner.with_user(self.cashier).write({"loyalty_number_edited_at": False})
        self.assertTrue(partner.loyalty_number_edited_at)

    def test_number_and_email_typed_together_still_tell_the_client(self):
        """The cashier types their own mobile and their own email in one
        write: the notice also goes to the email the client had."""
        partner = self.new_client(mobile="0470 11 11 11", country_id=self.env.ref("base.be").id)
        partner.with_user(self.cashier).write(
            {"mobile": "0470 55 55 55", "email": "desk.insider@example.com", "loyalty_email_before": False}
        )
        self.assertEqual(partner.loyalty_email_before, "new@example.com")
        account = self.open_account(partner)
        self.assertTrue(account.otp_hold_until)
        told = (
            self.env["mail.mail"].sudo().search([("model", "=", account._name), ("res_id", "=", account.id)])
        )
        self.assertIn("new@example.com", told.mapped("email_to"))
        self.assertIn("+32470555555", told.filtered(lambda m: m.email_to == "new@example.com").body_html)
        # A later staff edit keeps the first address.
        partner.with_user(self.cashier).email = "another@example.com"
        self.assertEqual(partner.loyalty_email_before, "new@example.com")

    def test_contact_created_by_staff_with_a_number_is_held(self):
        """A cashier creates a look-alike contact (the client's email for a
        PMS match, their own mobile): its account holds the number and tells."""
        partner = (
            self.env["res.partner"]
            .with_user(self.cashier)
            .create({"name": "Jane P.", "email": "jane.real@example.com", "mobile": "+32 470 55 55 55"})
        )
        self.assertTrue(partner.sudo().loyalty_number_edited_at)
        account = self.open_account(partner)
        self.assertEqual(account.otp_phone, "+32470555555")
        self.assertTrue(account.otp_hold_until)
        self.assertIn(partner, account.message_ids[0].partner_ids, "the client's email is told")
        with self.assertRaisesRegex(UserError, "held"):
            self.send_code(partner=partner)

    def test_manager_create_with_a_number_is_held_and_logged(self):
        partner = self.new_client()
        account = (
            self.env["clinic.loyalty.account"]
            .with_user(self.manager)
            .create(
                {"partner_id": partner.id, "company_id": self.company.id, "otp_phone": "+32 470 77 77 77"}
            )
        )
        self.assertEqual(account.otp_phone, "+32470777777")
        self.assertTrue(account.otp_hold_until)
        self.assertTrue(any("+32470777777" in m.body for m in account.sudo().message_ids), "logged")
        with self.assertRaises(AccessError):
            self.env["clinic.loyalty.account"].with_user(self.manager).create(
                {"partner_id": self.new_client().id, "company_id": self.company.id, "otp_hold_until": False}
            )

    def test_cashier_learns_nothing_about_unreadable_contacts(self):
        other = self.env["res.company"].create({"name": "Other Clinic"})
        stranger = self.new_client(name="Secret Stranger", mobile="+32 470 88 88 88", company_id=other.id)
        self.open_account(stranger)
        for partner_id in (stranger.id, 0, 10**9):
            with (
                self.assertRaisesRegex(UserError, "Choose the client first") as caught,
                self.mockSMSGateway(),
            ):
                self.Challenge.with_user(self.cashier).otp_request(partner_id, self.reward.id)
                self.run_postcommit()
            self.assertNotIn("Secret", str(caught.exception))
            self.assertNotIn("50", str(caught.exception))
            with self.assertRaisesRegex(UserError, "Choose the client first"):
                self.Challenge.with_user(self.cashier).otp_pos_info(partner_id)
        self.assertFalse(self._sms)

    def test_wrong_codes_are_limited_per_cashier_across_accounts(self):
        limit = OTP_LIMITS["cashier_failures"].limit
        partners = [self.new_client(mobile=f"+32 470 30 00 {n:02d}") for n in range(limit // 4 + 1)]
        for partner in partners:
            self.open_account(partner)
        wrong = 0
        with freeze_time(T0):
            for partner in partners:
                data = self.send_code(partner=partner) if wrong < limit else None
                for _attempt in range(4):  # below the per-challenge limit of five
                    if wrong >= limit:
                        break
                    self.verify(data["id"], code="000000")
                    wrong += 1
            self.assertEqual(wrong, limit)
            # The cashier's next guess is refused, even with the right code.
            data = self.send_code(partner=self.client, user=self.cashier2)
            with self.assertRaisesRegex(UserError, "wrong codes"):
                self.send_code(partner=self.other_client)
            result = self.verify(data["id"], user=self.cashier2)
            self.assertEqual(result["state"], "verified", "another cashier is not limited")

    def test_codes_requested_are_limited_per_cashier(self):
        with freeze_time(T0), patch.dict(OTP_LIMITS, cashier_sms=OTP_LIMITS["cashier_sms"]._replace(limit=3)):
            partners = [self.new_client(mobile=f"+32 470 40 00 {n:02d}") for n in range(4)]
            for partner in partners:
                self.open_account(partner)
            for partner in partners[:3]:
                self.send_code(partner=partner)
            with self.assertRaisesRegex(UserError, "codes in the last hour"):
                self.send_code(partner=partners[3])

    def test_codes_leave_through_the_clinics_own_sms_account(self):
        clinic_b = self.env["res.company"].create(
            {"name": "Clinic B", "country_id": self.env.ref("base.be").id}
        )
        accounts = {
            company: self.env["iap.account"].create(
                {
                    "service_id": self.env.ref("sms.iap_service_sms").id,
                    "company_ids": [(6, 0, company.ids)],
                    "account_token": f"tok-{company.id}",
                }
            )
            for company in (self.company, clinic_b)
        }
        self.env["clinic.loyalty.reward"].create(
            {"name": "B reward", "points_cost": 10, "value": 5.0, "company_id": clinic_b.id}
        )
        self.env["product.template"].create(
            {"name": "B care", "loyalty_eligible": True, "company_id": clinic_b.id}
        )
        clinic_b.loyalty_status = "on"
        self._account_with_points(self.client, clinic_b, 20, "seed-b", sudo=True)
        self.cashier.sudo().write({"company_ids": [(4, clinic_b.id)]})
        reward_b = self.env["clinic.loyalty.reward"].search([("company_id", "=", clinic_b.id)])
        used = []

        def _record(api, messages, delivery_reports_url=False):
            used.append((api.company, api.account))
            return [{"uuid": n["uuid"], "state": "success"} for m in messages for n in m["numbers"]]

        with patch.object(SmsApi, "_send_sms_batch", autospec=True, side_effect=_record), self.fixed_code():
            # The cashier works in clinic A's context (the main company).
            challenges = self.Challenge.with_user(self.cashier).with_context(
                allowed_company_ids=[self.company.id, clinic_b.id]
            )
            challenges.otp_request(self.client.id, reward_b.id)
            self.run_postcommit()
        self.assertEqual(used, [(clinic_b, accounts[clinic_b])])
