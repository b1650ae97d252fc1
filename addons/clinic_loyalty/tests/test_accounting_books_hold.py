"""The accountant's moves on the loyalty books: a daily entry taken off the
books (only by an accounting manager) is booked again by the next run; a
point worth less than a cent keeps its value."""

from datetime import datetime, time, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestBooksHold(ClinicLoyaltyCommon):
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
        cls.billing = cls._new_user("books_billing", "employee", cls.clinic, "account.group_account_invoice")
        cls.controller = cls._new_user(
            "books_controller", "employee", cls.clinic, "account.group_account_manager"
        )

    def _book(self, days=0):
        return self.Daily._book_company(self.clinic, self.day + timedelta(days=days))

    def _book_on(self, date):
        return self.Daily._book_company(self.clinic, date)

    def _liability(self):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.clinic.loyalty_liability_account_id.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return -sum(lines.mapped("balance"))

    def assertBooksHold(self):
        outstanding = sum(self.Account.search([("company_id", "=", self.clinic.id)]).mapped("balance"))
        self.assertAlmostEqual(self._liability(), outstanding * self.clinic.loyalty_point_value)
        moves = self.Daily.search([("company_id", "=", self.clinic.id)]).move_id
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        for move in moves:
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)

    def test_only_an_accounting_manager_takes_a_daily_entry_off_the_books(self):
        self._account_with_points(self.client_a, self.clinic, 40, "seed:off:1")
        move = self._book()
        for action in ("button_draft", "button_cancel", "unlink"):
            with self.assertRaises(AccessError, msg=action):
                getattr(move.with_user(self.billing), action)()
        with self.assertRaises(AccessError):
            move.with_user(self.billing)._reverse_moves(cancel=True)
        self.assertEqual(move.state, "posted")
        self.assertEqual(self.Entry.search([("company_id", "=", self.clinic.id)]).move_id, move)

    def test_reversed_daily_entry_is_booked_again(self):
        self._account_with_points(self.client_a, self.clinic, 40, "seed:rev:1")
        first = self._book()
        self._account_with_points(self.client_b, self.clinic, 20, "seed:rev:2")
        second = self._book(1)
        self.assertAlmostEqual(self._liability(), 6.0)
        # The older one, reversed by the controller: its 40 points leave the books...
        first.with_user(self.controller)._reverse_moves(cancel=True)
        self.assertAlmostEqual(self._liability(), 2.0)
        entry = self.Entry.search([("key", "=", "seed:rev:1")])
        self.assertFalse(entry.move_id)
        self.assertEqual(self.Daily.search([("move_id", "=", second.id)]).booked_points, 20)
        # ... and the next run books them again, once.
        again = self._book(2)
        entry.invalidate_recordset()
        self.assertEqual(entry.move_id, again)
        self.assertAlmostEqual(self._liability(), 6.0)
        self.assertFalse(self._book(3))
        self.assertIn("taken off the books", self.clinic.partner_id.message_ids[:1].body)

    def test_reset_and_deleted_daily_entry_is_booked_again(self):
        self._account_with_points(self.client_a, self.clinic, 30, "seed:del:1")
        move = self._book()
        move.with_user(self.controller).button_draft()
        self.assertEqual(self._liability(), 0.0)
        move.with_user(self.controller).unlink()
        self.assertFalse(move.exists())
        self.assertTrue(self._book())  # the same day books again
        self.assertAlmostEqual(self._liability(), 3.0)
        self.assertBooksHold()

    def test_reversal_across_a_revaluation_is_refused(self):
        self._account_with_points(self.client_a, self.clinic, 40, "seed:reval:1")
        first = self._book()
        self.clinic.loyalty_point_value = 0.20
        self._account_with_points(self.client_b, self.clinic, 10, "seed:reval:2")
        second = self._book(1)
        self.assertAlmostEqual(self._liability(), 10.0)
        with self.assertRaisesRegex(UserError, "Reverse the later loyalty entries first"):
            first.with_user(self.controller)._reverse_moves(cancel=True)
        # From the newest: the revaluation goes with it and comes back.
        second.with_user(self.controller)._reverse_moves(cancel=True)
        first.with_user(self.controller)._reverse_moves(cancel=True)
        self.assertAlmostEqual(self._liability(), 0.0)
        self._book(2)
        self.assertAlmostEqual(self._liability(), 10.0)
        self.assertBooksHold()

    def test_point_worth_half_a_cent(self):
        self.clinic.loyalty_point_value = 0.005
        self.clinic.invalidate_recordset()
        self.assertEqual(self.clinic.loyalty_point_value, 0.005)
        self._account_with_points(self.client_a, self.clinic, 1000, "seed:half")
        move = self._book()
        self.assertEqual(self.Daily.search([("move_id", "=", move.id)]).point_value, 0.005)
        self.assertAlmostEqual(self._liability(), 5.0)  # 1000 × 0.005, not 1000 × 0.01
        report = self.env["clinic.loyalty.liability.report"].search([("company_id", "=", self.clinic.id)])
        self.assertEqual(report.point_value, 0.005)
        with self.assertRaisesRegex(ValidationError, "at most 4 decimals"):
            self.clinic.write({"loyalty_point_value": 0.00125})
        self.assertEqual(self.clinic.loyalty_point_value, 0.005)

    def test_liability_account_change_moves_the_balance(self):
        self._account_with_points(self.client_a, self.clinic, 40, "seed:chart:1")
        self._book()
        old = self.clinic.loyalty_liability_account_id
        new = self.env["account.account"].create(
            {"name": "Points owed", "code": "299001", "account_type": "liability_current", "reconcile": True}
        )
        self.clinic.loyalty_liability_account_id = new
        self.assertAlmostEqual(self._liability(), 4.0)
        self.assertAlmostEqual(self.clinic._loyalty_liability_balance(old), 0.0)
        self.assertFalse(new.reconcile, "a points payment never waits on a statement")
        journal = self.clinic.loyalty_payment_journal_id
        self.assertEqual(journal.default_account_id, new)
        lines = journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids
        self.assertEqual(set(lines.mapped("payment_account_id")), {new})
        # From now on the daily entry books on the new account.
        self._account_with_points(self.client_b, self.clinic, 10, "seed:chart:2")
        self._book(1)
        self.assertAlmostEqual(self._liability(), 5.0)
        self.assertAlmostEqual(self.clinic._loyalty_liability_balance(old), 0.0)
        self.assertBooksHold()
        with self.assertRaisesRegex(UserError, "current liability"):
            self.clinic.loyalty_liability_account_id = self.company_data["default_account_revenue"]

    def _report(self):
        self.env.flush_all()
        report = self.env["clinic.loyalty.liability.report"].search([("company_id", "=", self.clinic.id)])
        report.invalidate_model()
        return report

    def test_value_change_is_timing_not_a_difference(self):
        self._account_with_points(self.client_a, self.clinic, 100, "seed:timing")
        self._book()
        self.clinic.loyalty_point_value = 0.25
        report = self._report()
        self.assertEqual((report.value, report.liability), (25.0, 10.0))
        self.assertEqual((report.not_revalued, report.unbooked_value, report.difference), (15.0, 0.0, 0.0))
        self.assertFalse(self.clinic._loyalty_liability_drift())
        self._book(1)
        report = self._report()
        self.assertEqual((report.not_revalued, report.liability, report.difference), (0.0, 25.0, 0.0))

    def _night(self, day):
        """The nightly run at 02:00 after ``day``."""
        with (
            freeze_time(datetime.combine(day + timedelta(days=1), time(2, 0))),
            patch.object(self.env.cr, "commit"),
        ):
            return self.Daily._cron_post_daily_entries()

    def test_each_day_booked_on_its_date(self):
        day = fields.Date.today() - timedelta(days=5)
        with freeze_time(datetime.combine(day, time(23, 0))):
            self._account_with_points(self.client_a, self.clinic, 40, "seed:cut:1")
        move = self._night(day)
        self.assertEqual(move.date, day, "yesterday's events dated yesterday")
        # The next day's events, that period locked by then: the first open date, said in the entry.
        with freeze_time(datetime.combine(day + timedelta(days=1), time(10, 0))):
            self._account_with_points(self.client_b, self.clinic, 20, "seed:cut:2")
        self.clinic.sudo().fiscalyear_lock_date = day + timedelta(days=1)
        move = self._night(day + timedelta(days=1))
        self.assertEqual(move.date, day + timedelta(days=2))
        self.assertIn("locked", move.ref)
        self.assertAlmostEqual(self._liability(), 6.0)
        self.assertFalse(self._night(day + timedelta(days=1)), "a rerun books nothing")
        self.assertBooksHold()

    def test_points_by_expiry_and_links(self):
        self.clinic.loyalty_expiry_months = 6
        self._account_with_points(self.client_a, self.clinic, 40, "seed:lots:1")
        self._account_with_points(self.client_b, self.clinic, 25, "seed:lots:2")
        move = self._book()
        self.env.flush_all()
        rows = self.env["clinic.loyalty.expiry.report"].search([("company_id", "=", self.clinic.id)])
        self.assertEqual(
            sorted((r.partner_id, r.points, r.value) for r in rows),
            sorted([(self.client_a, 40, 4.0), (self.client_b, 25, 2.5)]),
        )
        self.assertTrue(all(rows.mapped("expiry_date")))
        [month] = self.env["clinic.loyalty.expiry.report"].read_group(
            [("company_id", "=", self.clinic.id)], ["points:sum", "value:sum"], ["expiry_date:month"]
        )
        self.assertEqual((month["points"], month["value"]), (65, 6.5))
        # From the daily entry to the ledger entries it booked, and back.
        self.assertEqual(move.loyalty_entry_count, 2)
        entries = self.Entry.search(move.action_open_loyalty_entries()["domain"])
        self.assertEqual(set(entries.mapped("key")), {"seed:lots:1", "seed:lots:2"})
        self.assertEqual(entries.move_id, move)

    def test_liability_as_at_a_month_end(self):
        day = fields.Date.today() - timedelta(days=5)
        with freeze_time(datetime.combine(day, time(10, 0))):
            self._account_with_points(self.client_a, self.clinic, 40, "seed:asat:1")
        self._book_on(day)
        with freeze_time(datetime.combine(day, time(20, 0))):
            self._account_with_points(self.client_b, self.clinic, 10, "seed:asat:2")
        with freeze_time(datetime.combine(day + timedelta(days=1), time(10, 0))):
            self._account_with_points(self.client_b, self.clinic, 20, "seed:asat:3")
        self._book_on(day + timedelta(days=1))
        Asat = self.env["clinic.loyalty.liability.asat"]
        [at_day] = Asat._rows(day, self.clinic.ids)
        self.assertEqual(
            (at_day["points"], at_day["liability"], at_day["unbooked_value"], at_day["difference"]),
            (50, 4.0, 1.0, 0.0),
        )
        wizard = Asat.create({"date": day + timedelta(days=1)})
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda row: row.company_id == self.clinic)
        self.assertEqual(
            (line.points, line.value, line.liability, line.unbooked_value, line.difference),
            (70, 7.0, 7.0, 0.0, 0.0),
        )
