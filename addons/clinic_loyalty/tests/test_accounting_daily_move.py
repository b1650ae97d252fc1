from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon, count_queries

CHANNEL = "clinic.loyalty.test.channel"  # a sales channel paid with points


@tagged("post_install", "-at_install")
class TestDailyMove(ClinicLoyaltyCommon):
    """The daily journal entry: GL liability == outstanding points × value."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reward = cls.env["clinic.loyalty.reward"].create(
            {"name": "Free nail trim", "points_cost": 2, "company_id": cls.clinic.id}
        )
        cls.clinic.loyalty_status = "on"
        cls.clinic.loyalty_point_value = 0.10
        cls.Daily = cls.env["clinic.loyalty.daily.move"]
        cls.Request = cls.env["clinic.loyalty.reward.request"]
        cls.day = fields.Date.today() - timedelta(days=10)
        cls.portal_user = cls._new_user("daily_portal", "portal", cls.clinic, partner_id=cls.client_a.id)

    def _book(self, days=0, company=None):
        return self.Daily._book_company(company or self.clinic, self.day + timedelta(days=days))

    def _liability(self, company=None):
        company = company or self.clinic
        lines = self.env["account.move.line"].search(
            [("account_id", "=", company.loyalty_liability_account_id.id), ("parent_state", "=", "posted")]
        )
        return -sum(lines.mapped("balance"))

    def _outstanding(self, company=None):
        """Positive balances: a client below zero owes points, shown apart."""
        company = company or self.clinic
        return sum(
            b for b in self.Account.search([("company_id", "=", company.id)]).mapped("balance") if b > 0
        )

    def _pending(self, company=None):
        company = company or self.clinic
        return sum(
            self.Request.search([("company_id", "=", company.id), ("state", "=", "pending")]).mapped("points")
        )

    def assertBooksMatch(self, company=None):
        company = company or self.clinic
        self.assertAlmostEqual(
            self._liability(company),
            (self._outstanding(company) + self._pending(company)) * company.loyalty_point_value,
        )
        report = self.env["clinic.loyalty.liability.report"].search([("company_id", "=", company.id)])
        report.invalidate_model()
        self.assertEqual(report.difference, 0.0)
        self.assertEqual(report.unbooked_value, 0.0)
        self.assertEqual(report.not_revalued, 0.0)
        self.assertAlmostEqual(report.value + report.pending_value, report.liability)
        self.assertFalse(company._loyalty_liability_drift())

    def _accrue(self, amount=50.0, partner=None):
        invoice = self._paid_invoice(partner or self.client_a, [(self.consultation, amount)])
        self.Accrual._run_accrual()
        return invoice

    def test_accrual_booked_once(self):
        self._accrue(50.0)  # 5 points
        move = self._book()
        self.assertEqual(move.journal_id, self.clinic.loyalty_journal_id)
        self.assertEqual(move.state, "posted")
        self.assertEqual(self._liability(), 0.5)
        earned = move.line_ids.filtered(lambda line: line.account_id == self.clinic.loyalty_earned_account_id)
        self.assertEqual(earned.debit, 0.5)
        entry = self.Entry.search([("company_id", "=", self.clinic.id)])
        self.assertEqual(entry.move_id, move)
        self.assertBooksMatch()
        # Rerun, the same day or the next: nothing is booked twice.
        self.assertFalse(self._book())
        self.assertFalse(self._book(1))
        self.assertEqual(self._liability(), 0.5)
        self.assertEqual(self.Daily.search_count([("company_id", "=", self.clinic.id)]), 1)

    def test_cron_books_after_accrual(self):
        self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        today = fields.Date.today()
        with patch.object(self.env.cr, "commit") as commit:
            self.Accrual._cron_accrue()
        self.assertTrue(commit.called, "each clinic's day commits on its own")
        # Cut-off: tonight's run books yesterday's events; today's wait for tomorrow night.
        self.assertEqual(self._liability(), 0.0)
        with freeze_time(today + timedelta(days=1, hours=2)), patch.object(self.env.cr, "commit"):
            self.Accrual._cron_accrue()
        self.assertEqual(self._liability(), 0.3)
        daily = self.Daily.search([("company_id", "=", self.clinic.id)])
        self.assertEqual(daily.move_id.date, today, "booked on the day of the events")
        self.assertBooksMatch()

    def test_redemptions_and_reversal(self):
        invoice = self._accrue(100.0)  # 10 points
        self._book()
        account = self.Account.search([("partner_id", "=", self.client_a.id)])
        # Back office and portal redemptions: Dr liability, Cr earned.
        account._redeem(3, "Desk reward", "desk:1", consent="staff")
        self.Request.with_user(self.portal_user)._create_request(account.sudo(), self.reward, "portal")
        self.assertEqual(account.balance, 5)
        move = self._book(1)
        # The pending request's 2 points stay on the liability until handed over.
        self.assertAlmostEqual(self._liability(), 0.7)
        earned = move.line_ids.filtered(lambda line: line.account_id == self.clinic.loyalty_earned_account_id)
        self.assertAlmostEqual(sum(earned.mapped("credit")), 0.3)
        self.assertBooksMatch()
        report = self.env["clinic.loyalty.liability.report"].search([("company_id", "=", self.clinic.id)])
        self.assertEqual((report.pending_points, report.pending_value), (2, 0.2))
        request = self.Request.search([("account_id", "=", account.id)])
        request.action_fulfil()
        # Handed over: the next run books the redemption; till then it is timing.
        self.env.flush_all()
        report.invalidate_model()
        self.assertEqual((report.pending_value, report.unbooked_value, report.difference), (0.0, -0.2, 0.0))
        self._book(2)
        self.assertAlmostEqual(self._liability(), 0.5)
        self.assertBooksMatch()
        # A credit note takes back the 10 points earned: the client owes 5
        # points, shown apart, and the liability owed to the others is 0.
        self._credit_note(invoice)
        self.Accrual._run_accrual()
        move = self._book(3)
        self.assertEqual(account.balance, -5)
        self.assertAlmostEqual(self._liability(), 0.0)
        owed = move.line_ids.filtered(lambda line: line.account_id == self.clinic.loyalty_negative_account_id)
        self.assertAlmostEqual(owed.debit, 0.5)
        self.env.flush_all()
        report.invalidate_model()
        self.assertEqual((report.negative_points, report.negative_value), (-5, -0.5))
        self.assertBooksMatch()

    def test_expiry_credits_breakage(self):
        account = self._account_with_points(self.client_a, self.clinic, 40, "seed:exp")
        self._book()
        self.Account._post_entries(
            [{"account_id": account.id, "points": -15, "kind": "expiry", "key": "expiry:test:1"}]
        )
        move = self._book(1)
        breakage = move.line_ids.filtered(
            lambda line: line.account_id == self.clinic.loyalty_breakage_account_id
        )
        self.assertEqual(breakage.credit, 1.5)
        self.assertAlmostEqual(self._liability(), 2.5)
        self.assertBooksMatch()
        # The pivot by month: value earned and expired, at the value booked.
        self.env.flush_all()
        [month] = self.env["clinic.loyalty.value.report"].read_group(
            [("company_id", "=", self.clinic.id)],
            ["earned_value:sum", "redeemed_value:sum", "expired_value:sum"],
            ["date:month"],
        )
        self.assertAlmostEqual(month["earned_value"], 4.0)
        self.assertAlmostEqual(month["redeemed_value"], 0.0)
        self.assertAlmostEqual(month["expired_value"], 1.5)

    def test_paid_source_books_only_the_difference(self):
        account = self._account_with_points(self.client_a, self.clinic, 100, "seed:paid")
        self._book()
        # A sale of a paid source (a sales channel) paid 50 points with a reward
        # worth 4.00 (V = 5.00): its own entry debited the liability with 4.00.
        self.Account._post_entries(
            [
                {
                    "account_id": account.id,
                    "points": -50,
                    "kind": "redemption",
                    "key": "channel:1",
                    "res_model": CHANNEL,
                    "res_id": 1,
                    "amount": 4.0,
                }
            ]
        )
        bank = self.company_data["default_journal_bank"]
        closing = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": self.day,
                "line_ids": [
                    fields.Command.create(
                        {"account_id": self.clinic.loyalty_liability_account_id.id, "balance": 4.0}
                    ),
                    fields.Command.create({"account_id": bank.default_account_id.id, "balance": -4.0}),
                ],
            }
        )
        closing.action_post()
        with patch.object(
            type(self.Entry), "_loyalty_paid_sources", lambda self: ["clinic.loyalty.test.channel"]
        ):
            move = self._book(1)
        self.assertAlmostEqual(self._liability(), 5.0)
        self.assertEqual(len(move.line_ids), 2)
        self.assertEqual(
            move.line_ids.filtered(lambda line: line.account_id.account_type == "liability_current").debit,
            1.0,
        )
        self.assertBooksMatch()

    def test_value_change_revalues_without_restatement(self):
        self._account_with_points(self.client_a, self.clinic, 100, "seed:reval")
        first = self._book()
        self.assertEqual(self._liability(), 10.0)
        self.clinic.loyalty_point_value = 0.25
        self.assertIn(
            "loyalty_point_value: 0.1 → 0.25",
            self.clinic.partner_id.message_ids[:1].body,
        )
        self._account_with_points(self.client_b, self.clinic, 20, "seed:reval:b")
        second = self._book(1)
        self.assertEqual(self._liability(), 30.0)  # 120 × 0.25
        reval = second.line_ids.filtered(lambda line: "Revaluation" in line.name)
        self.assertEqual(sum(reval.mapped("credit")), 15.0)  # 100 × (0.25 − 0.10)
        # The first day stays as booked.
        self.assertEqual(sum(first.line_ids.mapped("credit")), 10.0)
        self.assertEqual(first.state, "posted")
        self.assertBooksMatch()

    def test_weekly_check_reports_a_liability_difference(self):
        self._account_with_points(self.client_a, self.clinic, 30, "seed:drift")
        self._book()
        self.assertFalse(self.clinic._loyalty_liability_drift())
        manual = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company_data["default_journal_misc"].id,
                "date": self.day,
                "line_ids": [
                    fields.Command.create(
                        {"account_id": self.clinic.loyalty_liability_account_id.id, "balance": 1.0}
                    ),
                    fields.Command.create(
                        {"account_id": self.company_data["default_account_expense"].id, "balance": -1.0}
                    ),
                ],
            }
        )
        manual.action_post()
        self.assertEqual(self.clinic._loyalty_liability_drift(), [(self.clinic, 1.0)])
        with self.assertLogs("odoo.addons.clinic_loyalty.models.loyalty_account", "WARNING"):
            self.Account._cron_check_balances()
        self.assertIn("Points liability check", self.clinic.partner_id.message_ids[:1].body)

    def test_clinics_never_share_a_move(self):
        clinic_b = self.setup_other_company(name="Clinic B books")["company"]
        clinic_b.write({"loyalty_status": "test", "loyalty_spend_per_point": 5.0, "loyalty_point_value": 0.5})
        self._account_with_points(self.client_a, self.clinic, 10, "seed:mc:a")
        b_account = self._account_with_points(self.client_a, clinic_b, 8, "seed:mc:b", sudo=True)
        moves = self.Daily._run_daily_moves(date=self.day)
        self.assertEqual(len(moves), 2)
        move_a = moves.filtered(lambda m: m.company_id == self.clinic)
        move_b = moves.filtered(lambda m: m.company_id == clinic_b)
        self.assertEqual(move_b.journal_id, clinic_b.loyalty_journal_id)
        self.assertEqual(set(move_a.line_ids.account_id.company_ids.ids), {self.clinic.id})
        self.assertEqual(sum(move_a.line_ids.mapped("credit")), 1.0)
        self.assertEqual(sum(move_b.line_ids.mapped("credit")), 4.0)
        self.assertEqual(b_account.sudo().entry_ids.move_id, move_b)
        self.assertBooksMatch()
        self.assertBooksMatch(clinic_b)

    def _count_booking(self, entries, days):
        for i in range(entries):
            partner = self.env["res.partner"].create({"name": f"Client {days}-{i}"})
            self._account_with_points(partner, self.clinic, 10 + i, f"seed:q:{days}:{i}")
        self.env.flush_all()
        with count_queries(self.env.cr) as counter:
            self._book(days)
        return counter.count

    def test_daily_entry_is_one_aggregate_per_clinic(self):
        self._count_booking(3, 0)  # warm the caches
        # However many entries: the same statements (one aggregate per clinic).
        self.assertEqual(self._count_booking(5, 1), self._count_booking(60, 2))
        self.assertBooksMatch()

    def test_refused_move_waits_for_the_next_run(self):
        self._account_with_points(self.client_a, self.clinic, 10, "seed:lock")
        self.clinic.loyalty_earned_account_id.deprecated = True
        with (
            freeze_time(fields.Date.today() + timedelta(days=1, hours=2)),
            patch.object(self.env.cr, "commit"),
            self.assertLogs("odoo.addons.clinic_loyalty.models.loyalty_daily_move", "WARNING"),
        ):
            self.assertFalse(self.Daily._cron_post_daily_entries())
        self.assertFalse(self.Daily.search([("company_id", "=", self.clinic.id)]))
        self.clinic.loyalty_earned_account_id.deprecated = False
        self.assertTrue(self._book())
        self.assertBooksMatch()
