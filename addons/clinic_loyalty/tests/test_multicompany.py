from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_b = cls.setup_other_company(name="Clinic B")["company"]
        cls.clinic_b.write({"loyalty_status": "test", "loyalty_spend_per_point": 5.0})
        # Eligibility is per clinic: clinic B makes the shared consultation earn too.
        cls.consultation.with_company(cls.clinic_b).loyalty_eligible = True
        cls._paid_invoice(cls.client_a, [(cls.consultation, 30.0)])
        cls._paid_invoice(cls.client_a, [(cls.consultation, 30.0)], company=cls.clinic_b)
        cls._paid_invoice(cls.client_b, [(cls.consultation, 20.0)], company=cls.clinic_b)
        cls.env["clinic.loyalty.accrual"]._run_accrual()
        Account = cls.env["clinic.loyalty.account"]
        cls.account_a = Account.search(
            [("partner_id", "=", cls.client_a.id), ("company_id", "=", cls.clinic.id)]
        )
        cls.account_b = Account.search(
            [("partner_id", "=", cls.client_a.id), ("company_id", "=", cls.clinic_b.id)]
        )
        cls.user_a = cls._new_user("front_desk_a", "front_desk", cls.clinic)
        cls.manager_a = cls._new_user("manager_a", "manager", cls.clinic)
        cls.user_ab = cls._new_user("front_desk_ab", "front_desk", cls.clinic | cls.clinic_b)

    def test_each_clinic_has_its_own_account_and_rules(self):
        # Same client, one account per clinic, each with the clinic's rate.
        self.assertEqual(self.account_a.balance, 3)  # 30 / 10
        self.assertEqual(self.account_b.balance, 6)  # 30 / 5
        self.assertEqual(set(self.account_b.entry_ids.mapped("company_id")), {self.clinic_b})

    def test_clinic_a_never_sees_clinic_b(self):
        for user in (self.user_a, self.manager_a):
            Account = self.env["clinic.loyalty.account"].with_user(user)
            Entry = self.env["clinic.loyalty.entry"].with_user(user)
            self.assertEqual(Account.search([]), self.account_a.with_user(user))
            self.assertEqual(set(Entry.search([]).mapped("company_id").ids), {self.clinic.id})
            self.assertFalse(Account.search([("partner_id", "=", self.client_b.id)]))
            with self.assertRaises(AccessError):
                self.account_b.with_user(user).read(["balance"])
            with self.assertRaises(AccessError):
                self.account_b.entry_ids.with_user(user).read(["points"])

    def test_active_company_scopes_a_multi_clinic_user(self):
        Account = self.env["clinic.loyalty.account"].with_user(self.user_ab)
        only_a = Account.with_context(allowed_company_ids=self.clinic.ids)
        self.assertEqual(only_a.search([("partner_id", "=", self.client_a.id)]).company_id, self.clinic)
        both = Account.with_context(allowed_company_ids=(self.clinic | self.clinic_b).ids)
        self.assertEqual(len(both.search([("partner_id", "=", self.client_a.id)])), 2)

    def test_status_is_per_clinic(self):
        self.clinic_b.loyalty_status = "off"
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)])
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)], company=self.clinic_b)
        self.assertEqual(self._accrue(), 1)
        self.assertEqual((self.account_a.balance, self.account_b.balance), (8, 6))

    def test_keys_are_unique_per_clinic_only(self):
        self.assertEqual(self._post(self.account_a, 1, key="import:42"), ["import:42"])
        self.assertEqual(self._post(self.account_b, 1, key="import:42"), ["import:42"])
        self.assertEqual(self._post(self.account_b, 1, key="import:42"), [])
        self.assertEqual((self.account_a.balance, self.account_b.balance), (4, 7))
