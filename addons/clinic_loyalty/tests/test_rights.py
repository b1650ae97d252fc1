from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRights(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._paid_invoice(cls.client_a, [(cls.consultation, 50.0)])
        cls.env["clinic.loyalty.accrual"]._run_accrual()
        cls.account = cls.env["clinic.loyalty.account"].search([("partner_id", "=", cls.client_a.id)])
        cls.entry = cls.account.entry_ids
        cls.manager = cls._new_user("loyalty_manager", "manager", cls.clinic)
        cls.front_desk = cls._new_user("loyalty_user", "front_desk", cls.clinic)
        cls.employee = cls._new_user("plain_employee", "employee", cls.clinic)
        cls.portal = cls._new_user("alice_portal", "portal", cls.clinic)
        # The portal user is the client herself: even her own ledger is not
        # readable as a model (the portal shows it through its controller).
        cls.portal.partner_id.parent_id = cls.client_a

    def test_loyalty_user_reads_accounts_and_entries(self):
        account = self.account.with_user(self.front_desk)
        self.assertEqual(account.search([("partner_id", "=", self.client_a.id)]), account)
        self.assertEqual(account.balance, 5)
        self.assertEqual(account.entry_ids.mapped("points"), [5])
        entry = self.entry.with_user(self.front_desk)
        self.assertEqual(entry.read(["points", "kind"])[0]["kind"], "accrual")

    def test_loyalty_user_cannot_create_or_change_accounts(self):
        Account = self.env["clinic.loyalty.account"].with_user(self.front_desk)
        with self.assertRaises(AccessError):
            Account.create({"partner_id": self.client_b.id, "company_id": self.clinic.id})
        with self.assertRaises(AccessError):
            self.account.with_user(self.front_desk).write({"active": False})
        with self.assertRaises(AccessError):
            self.account.with_user(self.front_desk).unlink()

    def _assert_cannot_touch_entries(self, user):
        Entry = self.env["clinic.loyalty.entry"].with_user(user)
        with self.assertRaisesRegex(UserError, "posted by the loyalty programme only"):
            Entry.create(
                {
                    "account_id": self.account.id,
                    "partner_id": self.client_a.id,
                    "company_id": self.clinic.id,
                    "points": 50,
                    "kind": "adjustment",
                    "date": "2024-01-01",
                    "key": "by-hand",
                }
            )
        entry = self.entry.with_user(user)
        with self.assertRaisesRegex(UserError, "Ledger entries cannot be changed"):
            entry.write({"points": 50})
        with self.assertRaisesRegex(UserError, "Ledger entries cannot be deleted"):
            entry.unlink()
        self.assertEqual(self.account.balance, 5)

    def test_loyalty_user_cannot_touch_entries(self):
        self._assert_cannot_touch_entries(self.front_desk)

    def test_nobody_writes_a_balance(self):
        for user in (self.manager, self.front_desk, self.employee, self.portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.account.with_user(user).write({"balance": 1000})
        with self.assertRaises(AccessError):
            self.env["clinic.loyalty.account"].with_user(self.manager).create(
                {
                    "partner_id": self.client_b.id,
                    "company_id": self.clinic.id,
                    "balance": 10,
                }
            )
        self.assertEqual(self.account.balance, 5)

    def test_manager_cannot_create_write_or_delete_entries(self):
        self._assert_cannot_touch_entries(self.manager)

    def test_manager_reads_and_opens_an_empty_account(self):
        account = (
            self.env["clinic.loyalty.account"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.client_b.id,
                    "company_id": self.clinic.id,
                }
            )
        )
        self.assertEqual((account.balance, account.entry_count), (0, 0))
        self.assertEqual(self.account.with_user(self.manager).entry_count, 1)

    def test_portal_and_plain_employees_cannot_read_the_ledger(self):
        for user in (self.portal, self.employee):
            for model in ("clinic.loyalty.account", "clinic.loyalty.entry"):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.account.with_user(user).read(["balance"])
            with self.assertRaises(AccessError):
                self.entry.with_user(user).read(["points"])
