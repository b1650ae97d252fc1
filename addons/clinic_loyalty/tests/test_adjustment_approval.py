from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import LoyaltyBuilders


@tagged("post_install", "-at_install")
class TestAdjustmentApproval(LoyaltyBuilders, TransactionCase):
    """Maker-checker: above the threshold an adjustment waits for a second
    Loyalty Manager; a daily cap of points added by hand per staff member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env["res.company"].create({"name": "Checked clinic"})
        cls.maker = cls._new_user("mc_maker", "manager", cls.clinic, name="Maker Manager")
        cls.checker = cls._new_user("mc_checker", "manager", cls.clinic, name="Checker Manager")
        cls.desk = cls._new_user("mc_desk", "front_desk", cls.clinic)
        cls.client = cls.env["res.partner"].create({"name": "Checked Client"})
        cls.account = cls.env["clinic.loyalty.account"]._account_for(cls.client, cls.clinic)
        cls.Request = cls.env["clinic.loyalty.adjustment.request"]

    def _adjust(self, points, user=None, operation="add"):
        wizard = (
            self.env["clinic.loyalty.adjustment.wizard"]
            .with_user(user or self.maker)
            .with_company(self.clinic)
            .create(
                {"account_id": self.account.id, "operation": operation, "points": points, "reason": "Friend"}
            )
        )
        return wizard.action_confirm()

    def _entries(self):
        return self.env["clinic.loyalty.entry"].search([("account_id", "=", self.account.id)])

    def test_defaults(self):
        self.assertEqual(self.clinic.loyalty_adjust_approval_threshold, 100)
        self.assertEqual(self.clinic.loyalty_adjust_daily_cap, 500)

    def test_up_to_threshold_posts_at_once(self):
        self._adjust(100)
        self.assertEqual(self.account.balance, 100)
        request = self.Request.search([("account_id", "=", self.account.id)])
        self.assertEqual(request.state, "posted")
        self.assertEqual(self._entries().key, f"adjustment-request-{request.id}")

    def test_above_threshold_waits_then_second_manager_approves(self):
        result = self._adjust(150)
        self.assertEqual(result["tag"], "display_notification")
        request = self.Request.search([("account_id", "=", self.account.id)])
        self.assertEqual(request.state, "pending")
        self.assertFalse(self._entries(), "nothing posts before approval")
        self.assertEqual(self.account.balance, 0)
        self.assertIn("waiting for a second", self.account.message_ids[0].body)
        with self.assertRaisesRegex(AccessError, "own adjustment"):
            request.with_user(self.maker).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.desk).action_approve()
        self.assertFalse(self._entries())
        request.with_user(self.checker).action_approve()
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.approved_by_id, self.checker)
        entry = self._entries()
        self.assertEqual(entry.points, 150)
        self.assertEqual(entry.user_id, self.maker, "the points stay the requester's")
        self.assertEqual(self.account.balance, 150)
        self.assertIn("Approved by Checker Manager", self.account.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already"):
            request.with_user(self.checker).action_approve()
        self.assertEqual(self.account.balance, 150, "approved once")

    def test_refused_posts_nothing(self):
        self._adjust(300)
        request = self.Request.search([("account_id", "=", self.account.id)])
        request.with_user(self.checker).action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertFalse(self._entries())
        self.assertIn("refused", self.account.message_ids[0].body)

    def test_daily_cap(self):
        self.clinic.loyalty_adjust_daily_cap = 250
        self._adjust(100)
        self._adjust(150)  # waiting: counts towards the cap too
        result = self._adjust(1)
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("daily cap is 250", result["params"]["message"])
        capped = self.Request.search([("account_id", "=", self.account.id), ("state", "=", "capped")])
        self.assertEqual(capped.points, 1)
        self.assertIn("daily cap is 250", self.account.message_ids[0].body, "the refusal is logged")
        self.assertEqual(self.account.balance, 100)
        self.assertEqual(len(self._entries()), 1, "nothing posted over the cap")
        self._adjust(50, user=self.checker)  # another staff member's own cap
        self._adjust(20, operation="remove")  # removing is not capped
        self.assertEqual(self.account.balance, 130)

    def test_other_clinic_manager_cannot_approve(self):
        other = self.env["res.company"].create({"name": "Other checked clinic"})
        outsider = self._new_user("mc_outsider", "manager", other)
        self._adjust(200)
        request = self.Request.search([("account_id", "=", self.account.id)])
        self.assertFalse(self.Request.with_user(outsider).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(outsider).action_approve()
        self.assertFalse(self._entries())

    def test_threshold_is_the_clinics(self):
        self.clinic.loyalty_adjust_approval_threshold = 10
        self._adjust(11)
        self.assertFalse(self._entries(), "above the clinic's own threshold: waits")
        self.clinic.loyalty_adjust_approval_threshold = 1000
        self._adjust(400)
        self.assertEqual(self.account.balance, 400)
