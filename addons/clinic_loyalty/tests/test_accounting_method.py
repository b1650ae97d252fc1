"""The method of the books, per clinic: chosen on the loyalty settings page,
fixed once an entry is booked under it, free again when an accounting manager
has taken those entries off the books."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestBooksMethod(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["clinic.loyalty.reward"].create(
            {"name": "Free nail trim", "points_cost": 2, "company_id": cls.clinic.id}
        )
        cls.clinic.loyalty_status = "on"
        cls.clinic.loyalty_point_value = 0.10
        cls.Daily = cls.env["clinic.loyalty.daily.move"]
        cls.day = fields.Date.today() - timedelta(days=10)
        cls.controller = cls._new_user(
            "method_controller", "employee", cls.clinic, "account.group_account_manager"
        )

    def _book(self, days=0):
        return self.Daily._book_company(self.clinic, self.day + timedelta(days=days))

    def test_default_is_provision_and_the_page_sets_deferral(self):
        self.assertEqual(self.clinic.loyalty_books_method, "provision")
        self.assertEqual(self.clinic.loyalty_redemption_rate, 100.0)
        page = self.env["clinic.loyalty.settings"].with_user(self.controller).create({})
        self.assertEqual(page.loyalty_books_method, "provision")
        page.write({"loyalty_books_method": "deferral", "loyalty_redemption_rate": 60.0})
        page.action_save()
        self.assertEqual(
            (self.clinic.loyalty_books_method, self.clinic.loyalty_redemption_rate), ("deferral", 60.0)
        )
        self.assertIn("loyalty_books_method", self.clinic.partner_id.message_ids[:1].body)
        # 40 points given: 40 × 0.10 × 60% = 2.40 deferred, on accounts made on first use.
        self._account_with_points(self.client_a, self.clinic, 40, "method:page")
        move = self._book()
        deferred = self.clinic.loyalty_deferred_account_id
        self.assertEqual(deferred.account_type, "liability_current")
        self.assertEqual(self.clinic.loyalty_revenue_account_id.account_type, "income")
        self.assertEqual(move.line_ids.filtered(lambda line: line.account_id == deferred).balance, -2.4)
        self.assertFalse(
            move.line_ids.filtered(lambda line: line.account_id == self.clinic.loyalty_liability_account_id)
        )

    def test_method_fixed_once_booked_free_once_reversed(self):
        self._account_with_points(self.client_a, self.clinic, 40, "method:fixed")
        move = self._book()
        with self.assertRaisesRegex(UserError, "reverses the loyalty entries"):
            self.clinic.loyalty_books_method = "deferral"
        self.assertEqual(self.clinic.loyalty_books_method, "provision")
        move.with_user(self.controller)._reverse_moves(cancel=True)
        self.clinic.loyalty_books_method = "deferral"
        self.clinic.loyalty_redemption_rate = 50.0
        # The same 40 points booked again, under deferral: 40 × 0.10 × 50% = 2.00.
        again = self._book(1)
        deferred = self.clinic.loyalty_deferred_account_id
        self.assertEqual(again.line_ids.filtered(lambda line: line.account_id == deferred).balance, -2.0)
        liability = self.clinic.loyalty_liability_account_id
        lines = self.env["account.move.line"].search(
            [("account_id", "=", liability.id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(lines.mapped("balance")), 0.0, msg="the provision went with its reversal")
