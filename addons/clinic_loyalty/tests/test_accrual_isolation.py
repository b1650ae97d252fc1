"""One bad document never stops the others, nor one clinic the others."""

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.loyalty_account import MAX_POINTS
from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestAccrualIsolation(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_b = cls.setup_other_company(name="Clinic B isolation")["company"]
        cls.clinic_b.write({"loyalty_status": "test", "loyalty_spend_per_point": 5.0})
        cls.consultation.with_company(cls.clinic_b).loyalty_eligible = True
        cls.Failure = cls.env["clinic.loyalty.accrual.failure"]
        cls.manager_a = cls._new_user("iso_manager_a", "manager", cls.clinic)
        cls.manager_b = cls._new_user("iso_manager_b", "manager", cls.clinic_b)
        cls.front_desk_a = cls._new_user("iso_front_a", "front_desk", cls.clinic)

    def _failures(self, document):
        return self.Failure.search([("res_model", "=", document._name), ("res_id", "=", document.id)])

    def test_huge_invoice_is_set_aside_and_every_other_document_accrues(self):
        before = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        huge = self._paid_invoice(self.client_b, [(self.consultation, 3e10)])
        after = self._paid_invoice(self.client_a, [(self.consultation, 50.0)])
        in_b = self._paid_invoice(self.client_b, [(self.consultation, 20.0)], company=self.clinic_b)
        # One batch holds all three clinic A invoices: it fails, then they go one by one.
        self._accrue(batch_size=10)
        self.assertEqual((before.loyalty_points, after.loyalty_points), (3, 5))
        self.assertEqual(self._balance(self.client_a), 8)
        self.assertEqual(self._balance(self.client_b, self.clinic_b), 4)
        self.assertEqual(in_b.loyalty_points, 4)
        self.assertFalse(huge.loyalty_synced)
        self.assertEqual(huge.loyalty_points, 0)
        self.assertFalse(self._entries(self.client_b))
        failure = self._failures(huge)
        self.assertEqual(len(failure), 1)
        self.assertEqual((failure.state, failure.company_id), ("open", self.clinic))
        self.assertIn(str(MAX_POINTS), failure.reason)
        self.assertIn(huge.name, failure.document_name)
        # The next night: still set aside, once, with one more attempt; nothing else moves.
        self.assertEqual(self._accrue(), 1)
        self.assertEqual((failure.state, failure.attempts), ("open", 2))
        self.assertEqual(len(self._failures(huge)), 1)
        self.assertEqual(self._balance(self.client_a), 8)

    def test_manager_sees_and_retries_only_their_clinic(self):
        huge_a = self._paid_invoice(self.client_b, [(self.consultation, 3e10)])
        huge_b = self._paid_invoice(self.client_b, [(self.consultation, 3e10)], company=self.clinic_b)
        self._accrue()
        failure_a, failure_b = self._failures(huge_a), self._failures(huge_b)
        self.assertTrue(failure_a and failure_b)
        as_manager_a = self.Failure.with_user(self.manager_a)
        self.assertEqual(as_manager_a.search([]), failure_a.with_user(self.manager_a))
        # What the web client sends (call_kw): a manager of clinic A on clinic B's list.
        with self.assertRaises(AccessError):
            failure_b.with_user(self.manager_a).action_retry()
        with self.assertRaises(AccessError):
            self.Failure.with_user(self.front_desk_a).search([])
        with self.assertRaises(AccessError):
            failure_a.with_user(self.front_desk_a).action_retry()
        # Clinic A's figures are fixed (a much higher spend per point): the retry accrues it.
        self.clinic.loyalty_spend_per_point = 1000000.0
        failure_a.with_user(self.manager_a).action_retry()
        self.assertEqual(failure_a.state, "done")
        self.assertEqual(huge_a.loyalty_points, 30000)
        self.assertTrue(huge_a.loyalty_synced)
        self.assertEqual(failure_b.state, "open")

    def test_a_later_run_clears_the_failure(self):
        huge = self._paid_invoice(self.client_b, [(self.consultation, 3e10)])
        self._accrue()
        failure = self._failures(huge)
        self.assertEqual(failure.state, "open")
        self.clinic.loyalty_spend_per_point = 1000000.0
        self._accrue()
        self.assertEqual(failure.state, "done")
        self.assertEqual(self._balance(self.client_b), 30000)

    def test_balance_overflow_is_set_aside_with_a_sentence(self):
        self._account_with_points(self.client_a, self.clinic, MAX_POINTS - 5, "seed:iso:near-max")
        over = self._paid_invoice(self.client_a, [(self.consultation, 100.0)])
        fine = self._paid_invoice(self.client_b, [(self.consultation, 100.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), MAX_POINTS - 5)
        self.assertEqual(self._balance(self.client_b), 10)
        self.assertFalse(over.loyalty_synced)
        self.assertIn("cannot be posted on one account", self._failures(over).reason)
        self.assertFalse(self._failures(fine))

    def test_daily_entry_of_one_clinic_fails_the_others_are_booked(self):
        self.clinic.loyalty_point_value = 0.10
        self.clinic_b.loyalty_point_value = 0.50
        day = fields.Date.today()
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)])
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)], company=self.clinic_b)
        self._accrue()
        # Clinic A's books already hold nearly all the points an int4 can count:
        # booking 5 more would overflow (an old row, written straight to the table).
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO clinic_loyalty_daily_move (company_id, date, point_value, booked_points)
                   VALUES (%s, %s, 0.10, %s)""",
                self.clinic.id,
                fields.Date.subtract(day, days=1),
                MAX_POINTS - 1,
            )
        )
        with self.assertLogs("odoo.addons.clinic_loyalty.models.loyalty_daily_move", "WARNING") as logs:
            moves = self.env["clinic.loyalty.daily.move"]._run_daily_moves(date=day)
        self.assertIn(self.clinic.name, logs.output[0])
        self.assertEqual(moves.company_id, self.clinic_b)
        self.assertEqual(sum(moves.line_ids.mapped("credit")), 5.0)  # 10 points × 0.50
        booked_a = self.env["clinic.loyalty.daily.move"].search(
            [("company_id", "=", self.clinic.id), ("date", "=", day)]
        )
        self.assertFalse(booked_a, "clinic A's entries wait for the next run")
