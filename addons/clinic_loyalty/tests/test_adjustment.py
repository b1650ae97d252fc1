from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import LoyaltyBuilders


@tagged("post_install", "-at_install")
class TestAdjustment(LoyaltyBuilders, TransactionCase):
    """Manual adjustments: managers only, a reason, one ledger entry, a note."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env["res.company"].create({"name": "Adjusting clinic"})
        cls.other_clinic = cls.env["res.company"].create({"name": "Somebody else's clinic"})
        cls.manager = cls._new_user("adj_manager", "manager", cls.clinic, name="Margaret Manager")
        cls.user = cls._new_user("adj_desk", "front_desk", cls.clinic)
        cls.client = cls.env["res.partner"].create({"name": "Adjusted Client"})
        cls.Account = cls.env["clinic.loyalty.account"]
        cls.account = cls.Account._account_for(cls.client, cls.clinic)
        cls.Account._post_entries(
            [{"account_id": cls.account.id, "points": 30, "kind": "accrual", "key": "adj-setup"}]
        )

    def tearDown(self):
        drift = self.Account._check_drift()
        super().tearDown()
        self.assertEqual(drift, [], "balances drifted from the ledger")

    def _wizard(self, user=None, **values):
        Wizard = self.env["clinic.loyalty.adjustment.wizard"].with_user(user or self.manager)
        return Wizard.with_company(self.clinic).create(
            {"account_id": self.account.id, "operation": "add", "points": 5, "reason": "Goodwill", **values}
        )

    def _adjustments(self, account=None):
        return self.env["clinic.loyalty.entry"].search(
            [("account_id", "=", (account or self.account).id), ("kind", "=", "adjustment")]
        )

    def test_manager_adds_points(self):
        self._wizard(points=12, reason="Visits paid before the programme started").action_confirm()
        entry = self._adjustments()
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.points, 12)
        self.assertEqual(entry.reason, "Visits paid before the programme started")
        self.assertEqual(entry.user_id, self.manager)
        self.assertTrue(entry.key.startswith("adjustment-"))
        self.assertEqual(self.account.balance, 42)
        message = self.account.message_ids[0]
        self.assertIn("Margaret Manager", message.body)
        self.assertIn("12", message.body)
        self.assertIn("Visits paid before the programme started", message.body)

    def test_two_adjustments_two_entries(self):
        self._wizard(points=1).action_confirm()
        self._wizard(points=1).action_confirm()
        self.assertEqual(len(self._adjustments()), 2, "each adjustment needs its own idempotency key")
        self.assertEqual(self.account.balance, 32)

    def test_manager_removes_points_down_to_zero(self):
        self._wizard(operation="remove", points=30, reason="Duplicate import").action_confirm()
        self.assertEqual(self._adjustments().points, -30)
        self.assertEqual(self.account.balance, 0)
        self.assertIn("removed", self.account.message_ids[0].body)

    def test_cannot_go_below_zero(self):
        wizard = self._wizard(operation="remove", points=31)
        with self.assertRaisesRegex(UserError, "below zero"):
            wizard.action_confirm()
        self.assertFalse(self._adjustments())
        self.assertEqual(self.account.balance, 30)

    def test_reason_required(self):
        with self.assertRaisesRegex(UserError, "reason"):
            self._wizard(reason="   ").action_confirm()
        self.assertFalse(self._adjustments())

    def test_points_must_be_positive(self):
        for points in (0, -4):
            with self.assertRaisesRegex(UserError, "Enter a positive number of points"):
                self._wizard(points=points).action_confirm()
        self.assertEqual(self.account.balance, 30)

    def test_user_refused(self):
        with self.assertRaises(AccessError):
            self._wizard(user=self.user)
        # Even with a wizard record in hand, the server checks the group.
        wizard = self._wizard().sudo().with_user(self.user)
        with self.assertRaisesRegex(AccessError, "Loyalty Manager"):
            wizard.action_confirm()
        self.assertFalse(self._adjustments())

    def test_other_clinic_refused(self):
        foreign = self.Account._account_for(self.client, self.other_clinic)
        with self.assertRaises(AccessError):
            self._wizard(account_id=foreign.id).action_confirm()
        self.assertFalse(self._adjustments(foreign))

    def test_from_partner_without_account(self):
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Newcomer's assistant", "parent_id": newcomer.id})
        action = contact.with_user(self.manager).with_company(self.clinic).action_loyalty_adjust()
        wizard = (
            self.env["clinic.loyalty.adjustment.wizard"]
            .with_user(self.manager)
            .with_company(self.clinic)
            .with_context(**action["context"])
            .create({"points": 8, "reason": "Welcome gift"})
        )
        self.assertEqual(wizard.partner_id, newcomer)
        self.assertEqual(wizard.balance, 0)
        wizard.action_confirm()
        account = self.Account.search([("partner_id", "=", newcomer.id), ("company_id", "=", self.clinic.id)])
        self.assertEqual(account.balance, 8)
        self.assertEqual(self._adjustments(account).reason, "Welcome gift")
        self.assertIn("Welcome gift", account.message_ids[0].body)

    # ------------------------------------------------------------------
    # Balance check (action and weekly cron)
    # ------------------------------------------------------------------
    def _break(self, account, balance):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE clinic_loyalty_account SET balance = %s WHERE id = %s", (balance, account.id)
        )
        self.env.invalidate_all()

    def _repair(self, account):
        # tearDown checks the books: put the balance back to the ledger's sum.
        self.env.cr.execute(
            """UPDATE clinic_loyalty_account a SET balance = (
                                   SELECT COALESCE(SUM(points), 0) FROM clinic_loyalty_entry
                                    WHERE account_id = a.id) WHERE id = %s""",
            (account.id,),
        )
        self.env.invalidate_all()

    def test_check_balance_ok(self):
        action = self.account.with_user(self.user).action_check_balance()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("match the ledger", action["params"]["message"])

    def test_drift_detected_by_action_and_cron(self):
        self._break(self.account, 999)
        try:
            self._check_drift_reported()
        finally:
            self._repair(self.account)

    def _check_drift_reported(self):
        action = self.account.with_user(self.user).action_check_balance()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Adjusted Client", action["params"]["message"])
        self.assertIn("999", action["params"]["message"])
        # Called on no record: every account the user may see.
        action = (
            self.env["clinic.loyalty.account"]
            .with_user(self.user)
            .with_company(self.clinic)
            .action_check_balance()
        )
        self.assertEqual(action["params"]["type"], "danger")

        messages_before = len(self.account.message_ids)
        with self.assertLogs("odoo.addons.clinic_loyalty.models.loyalty_account", "WARNING") as logs:
            drift = self.env["clinic.loyalty.account"]._cron_check_balances()
        self.assertIn((self.account.id, 999, 30), drift)
        self.assertIn("drift", logs.output[0])
        self.assertEqual(len(self.account.message_ids), messages_before + 1)
        note = self.account.message_ids[0]
        self.assertIn("999", note.body)
        self.assertIn(self.manager.partner_id, note.partner_ids)
        self.assertNotIn(self.user.partner_id, note.partner_ids)

    def test_check_balance_stays_in_own_clinic(self):
        other_client = self.env["res.partner"].create({"name": "Foreign Client"})
        foreign = self.Account._account_for(other_client, self.other_clinic)
        self._break(foreign, 77)
        try:
            action = (
                self.env["clinic.loyalty.account"]
                .with_user(self.user)
                .with_company(self.clinic)
                .action_check_balance()
            )
            self.assertEqual(action["params"]["type"], "success")
            self.assertNotIn("Foreign Client", action["params"]["message"])
        finally:
            self._repair(foreign)

    def test_cron_quiet_when_books_hold(self):
        self.assertEqual(self.env["clinic.loyalty.account"]._cron_check_balances(), [])
