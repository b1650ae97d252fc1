from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestAccountingSettings(ClinicLoyaltyCommon):
    """The loyalty settings page: who sees and changes what, refused values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user("acc_set_manager", "manager", cls.clinic)
        cls.accountant = cls._new_user(
            "acc_set_accountant", "employee", cls.clinic, "account.group_account_manager"
        )
        cls.front_desk = cls._new_user("acc_set_desk", "front_desk", cls.clinic)
        cls.employee = cls._new_user("acc_set_employee", "employee", cls.clinic)
        cls.Settings = cls.env["clinic.loyalty.settings"]

    ACCOUNTING_FIELDS = (
        "loyalty_liability_account_id",
        "loyalty_earned_account_id",
        "loyalty_breakage_account_id",
        "loyalty_journal_id",
        "loyalty_payment_journal_id",
    )

    def _save(self, user, **values):
        return self.Settings.with_user(user).create(values).action_save()

    def test_manager_changes_settings_without_being_admin(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        # As in a clinic that never booked points (clinic_loyalty_otp creates
        # them for its POS method when it is installed).
        self.clinic.write(dict.fromkeys(self.ACCOUNTING_FIELDS, False))
        settings = self.Settings.with_user(self.manager).create({})
        self.assertEqual(settings.loyalty_spend_per_point, 10.0)
        self.assertFalse(settings.loyalty_liability_account_id)
        settings.write({"loyalty_spend_per_point": 20.0, "loyalty_point_value": 0.2})
        settings.action_save()
        self.assertEqual(self.clinic.loyalty_spend_per_point, 20.0)
        self.assertEqual(self.clinic.loyalty_point_value, 0.2)
        # First use: the accounts and journals exist now, and the page shows them.
        self.assertTrue(self.clinic.loyalty_liability_account_id)
        self.assertTrue(self.clinic.loyalty_journal_id)
        settings = self.Settings.with_user(self.manager).create({})
        self.assertEqual(settings.loyalty_liability_account_id, self.clinic.loyalty_liability_account_id)
        body = self.clinic.partner_id.message_ids[:2].mapped("body")
        self.assertTrue(any("loyalty_point_value: 0.0 → 0.2" in b and self.manager.name in b for b in body))

    def test_accountant_changes_the_books_only(self):
        self._save(self.accountant, loyalty_point_value=0.5)
        self.assertEqual(self.clinic.loyalty_point_value, 0.5)
        # Programme fields are not the accountant's: ignored, not written.
        self._save(self.accountant, loyalty_status="off")
        self.assertEqual(self.clinic.loyalty_status, "test")

    def test_manager_sets_the_expiry_on_the_page(self):
        self._save(self.manager, loyalty_expiry_months=18, loyalty_expiry_notice_days=14)
        self.assertEqual(
            (self.clinic.loyalty_expiry_months, self.clinic.loyalty_expiry_notice_days), (18, 14)
        )
        page = self.Settings.with_user(self.manager).create({})
        self.assertEqual(page.loyalty_expiry_months, 18)
        # The expiry is the programme's, not the books': an accountant's value is ignored.
        self._save(self.accountant, loyalty_expiry_months=1)
        self.assertEqual(self.clinic.loyalty_expiry_months, 18)
        with self.assertRaisesRegex(ValidationError, "Points expire after 0"):
            self._save(self.manager, loyalty_expiry_months=-2)

    def test_front_desk_and_employee_refused(self):
        for user in (self.front_desk, self.employee):
            with self.assertRaises(AccessError):
                self._save(user, loyalty_point_value=0.5)
            with self.assertRaises(AccessError):
                self.env["clinic.loyalty.daily.move"].with_user(user).action_post_daily_entries()
            with self.assertRaises(AccessError):
                self.env["clinic.loyalty.liability.report"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.clinic.with_user(user).loyalty_point_value = 0.5
        # An administrator of access rights who is neither: refused by the clinic too.
        admin_rights = self._new_user("acc_set_erp", "employee", self.clinic, "base.group_erp_manager")
        with self.assertRaisesRegex(AccessError, "Only Loyalty Managers and accountants"):
            self.clinic.with_user(admin_rights).loyalty_point_value = 0.5
        self.assertEqual(self.clinic.loyalty_point_value, 0.0)

    def test_manager_posts_daily_entries(self):
        self._account_with_points(self.client_a, self.clinic, 10, "seed:settings")
        self._save(self.manager, loyalty_point_value=0.1)
        moves = self.env["clinic.loyalty.daily.move"].with_user(self.manager).action_post_daily_entries()
        self.assertEqual(
            moves.sudo().line_ids.mapped("credit"),
            [1.0, 0.0] if moves.sudo().line_ids[0].credit else [0.0, 1.0],
        )

    def test_absurd_and_negative_values_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._save(self.manager, loyalty_point_value=-0.1)
        with self.assertRaisesRegex(ValidationError, "clients would get back more than they spent"):
            self._save(self.manager, loyalty_point_value=10.5)  # earned with 10.00 of spend
        self._save(self.manager, loyalty_point_value=1.0)
        with self.assertRaisesRegex(ValidationError, "clients would get back more than they spent"):
            self._save(self.manager, loyalty_spend_per_point=0.5)

    def test_zero_refused_once_booked(self):
        self._account_with_points(self.client_a, self.clinic, 10, "seed:zero")
        self._save(self.manager, loyalty_point_value=0.1)
        self.env["clinic.loyalty.daily.move"]._run_daily_moves()
        with self.assertRaisesRegex(ValidationError, "rather than 0"):
            self._save(self.manager, loyalty_point_value=0.0)

    def test_readiness_shown_before_switching_on(self):
        settings = self.Settings.with_user(self.manager).create({})
        self.assertFalse(settings.loyalty_ready)
        self.assertIn("No active reward", settings.loyalty_readiness)
        self.env["clinic.loyalty.reward"].create(
            {"name": "Nail trim", "points_cost": 5, "company_id": self.clinic.id}
        )
        settings = self.Settings.with_user(self.manager).create({})
        self.assertEqual(settings.loyalty_ready, not self.clinic._loyalty_readiness_issues())
        self.assertNotIn("No active reward", settings.loyalty_readiness)
        self._save(self.manager, loyalty_status="on")
        self.assertEqual(self.clinic.loyalty_status, "on")
