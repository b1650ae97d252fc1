"""Record rules before sudo: a Loyalty Manager of one clinic never acts on
another clinic's accounts; a number typed by staff is told to the client or
not used; the drift check is for the right people."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import OtpCommonMixin


@tagged("post_install", "-at_install")
class TestOtpCrossClinic(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()
        env = cls.env(su=True)
        cls.clinic_b = env["res.company"].create(
            {"name": "Clinic B cross", "country_id": env.ref("base.be").id}
        )
        cls.clinic_b.loyalty_status = "test"
        cls.client_b = env["res.partner"].create({"name": "B Petowner", "mobile": "+32 472 11 22 33"})
        cls.account_b = cls._account_with_points(cls.client_b, cls.clinic_b, 80, "cross-seed-b", sudo=True)
        cls.account_b.sudo().otp_locked = True
        cls.cashier.sudo().groups_id += env.ref("base.group_partner_manager")

    def test_manager_of_a_cannot_change_the_number_of_b(self):
        # What the web client sends (call_kw on clinic.loyalty.account, id of clinic B).
        with self.assertRaises(AccessError):
            self.account_b.with_user(self.manager).action_otp_change_phone("+32 470 99 99 99")
        # The wizard, opened with clinic B's account id.
        wizard = (
            self.env["clinic.loyalty.otp.phone.wizard"]
            .with_user(self.manager)
            .create({"account_id": self.account_b.id, "new_phone": "+32 470 99 99 99"})
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(self.account_b.sudo().otp_phone, "+32472112233")
        self.assertFalse(self.account_b.sudo().otp_hold_until)
        # Their own clinic's account still works.
        self.account.with_user(self.manager).action_otp_change_phone("+32 470 99 99 99")
        self.assertEqual(self.account.otp_phone, "+32470999999")

    def test_manager_of_a_cannot_unlock_b(self):
        with self.assertRaises(AccessError):
            self.account_b.with_user(self.manager).action_otp_unlock()
        self.assertTrue(self.account_b.sudo().otp_locked)

    def test_typed_number_is_told_on_the_number_before(self):
        partner = self.env["res.partner"].create(
            {"name": "No Email", "mobile": "0470 11 11 11", "country_id": self.env.ref("base.be").id}
        )
        partner.with_user(self.cashier).mobile = "0470 55 55 55"
        self.assertEqual(partner.loyalty_number_before, "0470 11 11 11")
        with self.mockSMSGateway():
            account = self._account_with_points(partner, self.company, 50, "cross-told", sudo=True)
            self.run_postcommit()
        self.assertEqual(account.otp_phone, "+32470555555")
        self.assertTrue(account.otp_hold_until)
        told = [sms for sms in self._sms if sms["number"] == "+32470111111"]
        self.assertEqual(len(told), 1, "the number the client had is told")
        self.assertIn("+32470555555", told[0]["body"])

    def test_typed_number_nobody_can_be_told_is_not_used(self):
        # A cashier creates the contact with their own mobile and no email.
        partner = (
            self.env["res.partner"]
            .with_user(self.cashier)
            .create(
                {"name": "Walk In", "mobile": "+32 470 55 55 55", "country_id": self.env.ref("base.be").id}
            )
        )
        account = self._account_with_points(partner, self.company, 50, "cross-untold", sudo=True)
        self.assertFalse(account.otp_phone, "nobody can be told: the typed number is not used")
        self.assertIn("+32470555555", account.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "no mobile registered"):
            self.send_code(partner=partner)
        # A Loyalty Manager confirms it (held and logged like any change).
        account.with_user(self.manager).action_otp_change_phone("+32 470 55 55 55")
        self.assertEqual(account.otp_phone, "+32470555555")
        self.assertTrue(account.otp_hold_until)

    def test_drift_check_for_loyalty_users_over_their_accounts(self):
        employee = self._new_user("cross_drift_emp", "employee", self.company)
        portal = self._new_user("cross_drift_portal", "portal", self.company)
        Account = self.env["clinic.loyalty.account"]
        for user in (employee, portal):
            with self.assertRaises(AccessError, msg=user.login):
                Account.with_user(user).action_check_balance()
        # A drift in clinic B is not the business of clinic A's staff.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE clinic_loyalty_account SET balance = 999 WHERE id = %s", [self.account_b.id]
        )
        self.env.invalidate_all()
        result = Account.with_user(self.cashier).action_check_balance()
        self.assertEqual(result["params"]["type"], "success")
        self.assertNotIn("B Petowner", str(result))
        with self.assertRaises(AccessError):
            self.account_b.with_user(self.manager).action_check_balance()
