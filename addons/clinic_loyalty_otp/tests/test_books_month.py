"""One clinic's month on the books (issue 20), played through the real flows:
invoices paid and accrued by the nightly job, Register Payment with points
(the code step as the other tests drive it), manual adjustments, a credit note
leaving a client below zero, a pending reward request, the expiry job, a value
change; then the accountant's moves (change of liability account, a daily
entry reversed, reset and deleted, the month-end lock, a point worth 0.005);
and the same month under the deferred-revenue method, figures worked by hand.
The point of sale side of the month is in test_pos_points_books.py."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.clinic_loyalty.tests.common import ClinicLoyaltyCommon
from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin

YEAR, MONTH = 2027, 1


def moment(day, hour=10):
    """``day`` of the month played (a day past its end runs into the next)."""
    return datetime(YEAR, MONTH, 1, hour) + timedelta(days=day - 1)


@tagged("post_install", "-at_install")
class TestBooksMonth(OtpCommonMixin, ClinicLoyaltyCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic(company=cls.clinic)  # 100 points to each of two clients
        env = cls.env(su=True)
        cls.company.write(
            {
                "loyalty_point_value": 0.10,
                "loyalty_earning_mode": "per_transaction",
                "loyalty_spend_per_point": 10.0,
                "loyalty_min_transaction_amount": 0.0,
                "loyalty_otp_required": True,
            }
        )
        billing = env.ref("account.group_account_invoice")
        cls.cashier.sudo().groups_id += billing
        cls.controller = cls._new_user(
            "month_controller", "employee", cls.company, "account.group_account_manager"
        )
        cls.checkup = env["product.product"].create(
            {"name": "Check-up", "list_price": 100.0, "taxes_id": [Command.clear()], "loyalty_eligible": True}
        )
        cls.late_client = env["res.partner"].create({"name": "Late Petowner"})
        # 50 points earned in July, expiring after 6 months: on 12 January.
        cls.company.loyalty_expiry_months = 6
        with freeze_time(datetime(YEAR - 1, 7, 12, 10)):
            cls._account_with_points(cls.late_client, cls.company, 50, "month:july", sudo=True)
        cls.Daily = env["clinic.loyalty.daily.move"]
        cls.Request = env["clinic.loyalty.reward.request"]

    # ------------------------------------------------------------------
    # The flows
    def invoice(self, partner, price):
        with freeze_time(self.now):
            invoice = self._invoice(partner, [(self.checkup, price)], company=self.company)
        return invoice

    def cash(self, invoice, amount=None):
        with freeze_time(self.now):
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": self.company_data["default_journal_bank"].id})
            )
            if amount:
                wizard.amount = amount
            wizard.action_create_payments()

    def pay_with_points(self, invoice, amount):
        """Register Payment in the points journal, the code sent and typed."""
        with freeze_time(self.now):
            wizard = (
                self.env["account.payment.register"]
                .with_user(self.cashier)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": self.company.loyalty_payment_journal_id.id, "amount": amount})
            )
            with self.fixed_code(CODE), self.mockSMSGateway():
                wizard.action_loyalty_otp_send()
                self.run_postcommit()
            wizard.otp_code = CODE
            wizard.action_create_payments()

    def night(self, day):
        """The nightly jobs after ``day``: accrual then the daily entry at
        02:00, expiry at 03:00; a rerun books nothing; the books hold."""
        with patch.object(self.env.cr, "commit"):
            with freeze_time(moment(day + 1, 2)):
                self.env["clinic.loyalty.accrual"].sudo()._cron_accrue()
            with freeze_time(moment(day + 1, 3)):
                self.env["clinic.loyalty.expiry"].sudo()._cron_expire_points()
            moves = self.loyalty_moves()
            with freeze_time(moment(day + 1, 4)):
                self.Daily._cron_post_daily_entries()
            self.assertEqual(self.loyalty_moves(), moves, "a rerun books nothing")
        self.now = moment(day + 1)

    def settle(self):
        """The two nights that book a day's events: the accrual job runs at
        02:00 and its entries (and the expiry's, at 03:00) are booked by the
        next night's entry, dated their own day."""
        self.night(self.day)
        self.night(self.day + 1)
        self.day += 2
        self.now = moment(self.day)

    def report(self):
        self.env.flush_all()
        report = self.env["clinic.loyalty.liability.report"].search([("company_id", "=", self.company.id)])
        report.invalidate_model()
        return report

    def loyalty_moves(self):
        return self.env["account.move"].search([("journal_id", "=", self.company.loyalty_journal_id.id)])

    # ------------------------------------------------------------------
    # What must hold
    def balance_of(self, account):
        self.env.flush_all()
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return round(sum(lines.mapped("balance")), 2)

    def points(self):
        self.env.invalidate_all()
        balances = self.env["clinic.loyalty.account"].search([("company_id", "=", self.company.id)])
        pending = self.Request.search([("company_id", "=", self.company.id), ("state", "=", "pending")])
        return sum(b for b in balances.mapped("balance") if b > 0) + sum(pending.mapped("points"))

    def assertBooks(self, points=None):
        """Liability = (positive balances + points held by pending requests)
        × value, to the cent; every loyalty entry posted and balanced; every
        points payment paid."""
        held = self.points()
        if points is not None:
            self.assertEqual(held, points)
        value = self.company.loyalty_point_value
        self.assertEqual(
            -self.balance_of(self.company.loyalty_liability_account_id),
            self.company.currency_id.round(held * value),
        )
        for move in self.loyalty_moves():
            self.assertEqual(move.state, "posted")
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)
        payments = self.env["account.payment"].search(
            [("journal_id", "=", self.company.loyalty_payment_journal_id.id)]
        )
        self.assertEqual(
            set(payments.mapped("state")) - {"paid", "canceled"}, set(), "none waits on a statement"
        )

    # ------------------------------------------------------------------
    def account_of(self, partner):
        return self.env["clinic.loyalty.account"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def adjust(self, partner, points, reason):
        with freeze_time(self.now):
            self._post(self.account_of(partner), points, reason=reason)

    # ------------------------------------------------------------------
    def test_month_at_face_value(self):
        client, other, late = self.client, self.other_client, self.late_client
        self.day, self.now = 1, moment(1)
        # Opening: 100 + 100 seeded, the 50 of July.
        self.settle()
        self.assertBooks(250)
        # Day 3: a 200.00 check-up paid in cash earns 20 points.
        self.cash(self.invoice(client, 200.0))
        self.settle()
        self.assertBooks(270)
        # Day 5: 3.00 of a 103.00 invoice paid with 30 points, 100.00 in cash
        # (10 points: the part paid with points earns nothing).
        invoice = self.invoice(client, 103.0)
        self.pay_with_points(invoice, 3.0)
        self.cash(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.settle()
        self.assertBooks(250)
        self.assertEqual(self.account_of(client).balance, 100)
        # Day 7: manual adjustments, +15 and -5.
        self.adjust(other, 15, "Goodwill")
        self.adjust(client, -5, "Typo of day 3")
        self.settle()
        self.assertBooks(260)
        # Day 9: the client asks for a 40-point reward: held, still owed.
        with freeze_time(self.now):
            data = self.send_code(partner=client, reward=self.reward)
            self.verify(data["id"])
            request = self.Request.with_user(self.cashier)._create_request(
                self.account_of(client), self.reward, "staff", challenge=self.Challenge.browse(data["id"])
            )
        self.settle()
        self.assertBooks(260)
        # Day 11: the other client's 300.00 paid in cash (30 points); the
        # July lot expires the night of the 11th.
        big = self.invoice(other, 300.0)
        self.cash(big)
        self.settle()
        self.assertEqual(self.account_of(late).balance, 0)
        self.assertBooks(240)
        # Day 13: a 14.50 invoice paid with all 145 points.
        small = self.invoice(other, 14.5)
        self.pay_with_points(small, 14.5)
        self.settle()
        self.assertBooks(95)  # client 55 + 40 held by the request
        # Day 15: the 300.00 credited back: the other client owes 30 points,
        # not netted with the liability.
        with freeze_time(self.now):
            self._credit_note(big)
        self.settle()
        self.assertEqual(self.account_of(other).balance, -30)
        self.assertBooks(95)
        self.assertEqual(
            self.balance_of(self.company.loyalty_negative_account_id), 3.0, "owed by the client, apart"
        )
        # Day 17: the reward is handed over.
        with freeze_time(self.now):
            request.action_fulfil()
        self.settle()
        self.assertBooks(55)
        # Day 19: a point is now worth 0.12: the next entry revalues.
        self.company.loyalty_point_value = 0.12
        self.settle()
        self.assertBooks(55)
        self.assertEqual(self.balance_of(self.company.loyalty_liability_account_id), -6.6)

        # The accountant's moves. Day 21: a new liability account.
        old = self.company.loyalty_liability_account_id
        new = self.env["account.account"].create(
            {"name": "Points owed to clients", "code": "299077", "account_type": "liability_current"}
        )
        with freeze_time(self.now):
            self.company.loyalty_liability_account_id = new
        self.assertEqual(self.balance_of(old), 0.0)
        self.assertBooks(55)
        self.assertEqual(self.company.loyalty_payment_journal_id.default_account_id, new)
        # Day 21: 50.00 in cash (5 points), booked, then on day 23 reversed
        # by the controller: its entries are booked again by the next night.
        self.cash(self.invoice(client, 50.0))
        self.settle()
        self.assertBooks(60)
        daily = self.Daily.search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual(daily.date, moment(22).date())
        with freeze_time(self.now):
            daily.move_id.with_user(self.controller)._reverse_moves(cancel=True)
        self.assertEqual(-self.balance_of(new), 6.6)
        self.settle()
        self.assertBooks(60)
        # Day 25: +10 booked, then reset to draft and deleted by the controller.
        self.adjust(client, 10, "Birthday")
        self.settle()
        self.assertBooks(70)
        move = self.Daily.search([("company_id", "=", self.company.id)], limit=1).move_id
        move.with_user(self.controller).button_draft()
        move.with_user(self.controller).unlink()
        self.settle()
        self.assertBooks(70)
        # Day 31, late: 20 points; the month is locked before the night: they
        # are booked on the first open day, said in the entry.
        self.assertEqual(self.day, 29)
        with freeze_time(moment(31, 22)):
            self._post(self.account_of(client), 20, reason="Month-end goodwill")
        self.company.sudo().fiscalyear_lock_date = moment(31).date()
        self.day = 31
        self.settle()
        self.assertBooks(90)
        last = self.Daily.search([("company_id", "=", self.company.id)], limit=1).move_id
        self.assertEqual(last.date, moment(32).date())
        self.assertIn("locked", last.ref)
        # A point worth half a cent: 90 × 0.005 = 0.45, not 90 × 0.01.
        self.company.loyalty_point_value = 0.005
        self.settle()
        self.assertBooks(90)
        self.assertEqual(self.balance_of(new), -0.45)

    def test_month_under_deferred_revenue(self):
        """The same flows under deferral at 1.00 a point, 80% expected
        redeemed; every figure worked by hand (SSP = points × 1.00 × rate)."""
        self.company.write(
            {"loyalty_point_value": 1.0, "loyalty_books_method": "deferral", "loyalty_redemption_rate": 80.0}
        )
        client, late = self.client, self.late_client
        self.day, self.now = 1, moment(1)
        # Opening: 250 points given without a sale: 250 × 0.80 = 200.00 at
        # their standalone value, Dr points earned / Cr deferred.
        self.settle()
        deferred = self.company.loyalty_deferred_account_id
        revenue = self.company.loyalty_revenue_account_id
        earned = self.company.loyalty_earned_account_id
        breakage = self.company.loyalty_breakage_account_id
        liability = self.company.loyalty_liability_account_id
        self.assertEqual((deferred.account_type, revenue.account_type), ("liability_current", "income"))
        self.assertEqual((self.balance_of(deferred), self.balance_of(earned)), (-200.0, 200.0))
        with self.assertRaisesRegex(UserError, "method cannot change"):
            self.company.loyalty_books_method = "provision"
        with self.assertRaisesRegex(ValidationError, "more than 0 and up to 100"):
            self.company.loyalty_redemption_rate = 120.0
        self.assertEqual(self.company.loyalty_redemption_rate, 80.0)
        # Day 3: 200.00 earns 20 points: SSP 16.00, 200 × 16 / 216 = 14.81.
        self.cash(self.invoice(client, 200.0))
        self.settle()
        self.assertEqual(self.balance_of(deferred), -214.81)
        self.assertEqual(self.balance_of(revenue), 14.81)
        # Day 5: 30.00 of a 100.00 invoice paid with 30 points, 70.00 in cash
        # (7 points: SSP 5.60, 70 × 5.6 / 75.6 = 5.19). Pool 220.00 for 277
        # points, 30 redeemed: revenue 220 × 30/277 = 23.83; recognised
        # 220 × 30 / (277 × 0.8) = 29.78, so breakage 5.96. The points
        # payment (Dr liability 30.00) is cleared against loyalty revenue.
        invoice = self.invoice(client, 100.0)
        self.pay_with_points(invoice, 30.0)
        self.cash(invoice)
        self.settle()
        self.assertEqual(self.balance_of(deferred), round(-220.0 + 23.83 + 5.96, 2))
        self.assertEqual(self.balance_of(breakage), -5.96)
        self.assertEqual(self.balance_of(revenue), round(14.81 + 5.19 + 30.0 - 23.83, 2))
        self.assertEqual(self.balance_of(liability), 0.0, "the points payment is cleared")
        # Day 7: the rate falls to 50%: 220 × 30 / (277 × 0.5) = 47.65
        # recognised, 23.83 of it revenue: breakage 23.83, a 17.87 true-up.
        self.company.loyalty_redemption_rate = 50.0
        self.settle()
        self.assertEqual(self.balance_of(breakage), -23.83)
        labels = self.loyalty_moves().line_ids.mapped("name")
        self.assertTrue(any("True-up of the expected breakage" in label for label in labels))
        # Day 9 to 12: the 50 points of July expire; (30 + 50) / 277 of the
        # pool is used up: 220 × 80/277 = 63.54, breakage 63.54 - 23.83 = 39.71.
        self.settle()
        self.settle()
        self.assertEqual(self.account_of(late).balance, 0)
        self.assertEqual(self.balance_of(breakage), -39.71)
        self.assertEqual(self.balance_of(deferred), round(-220.0 + 23.83 + 39.71, 2))
        self.assertEqual(self.balance_of(revenue), 26.17)
        # The controller reverses the entry of day 5 (the redemption): the
        # running totals of the later days lose its share, the next night
        # books it again, and the figures are those above.
        daily = self.Daily.search([("company_id", "=", self.company.id), ("date", "=", moment(5).date())])
        self.assertTrue(daily.move_id)
        with freeze_time(self.now):
            daily.move_id.with_user(self.controller)._reverse_moves(cancel=True)
        self.assertEqual(self.balance_of(liability), 30.0, "the payment is no longer cleared")
        self.assertEqual(self.report().difference, 0.0, "a payment not cleared yet is timing")
        self.settle()
        self.assertEqual(self.balance_of(breakage), -39.71)
        self.assertEqual(self.balance_of(deferred), -156.46)
        self.assertEqual(self.balance_of(revenue), 26.17)
        self.assertEqual(self.balance_of(liability), 0.0)
        for move in self.loyalty_moves():
            self.assertEqual(move.state, "posted")
        # The weekly check compares the deferred account with what is left
        # to recognise: nothing to report, until someone books on it by hand.
        self.assertFalse(self.company._loyalty_liability_drift())
        report = self.report()
        self.assertEqual((report.liability, report.difference, report.not_revalued), (0.0, 0.0, 0.0))
        [as_at] = self.env["clinic.loyalty.liability.asat"]._rows(self.now.date(), self.company.ids)
        self.assertEqual((as_at["liability"], as_at["difference"]), (156.46, 0.0))
        [month_end] = self.env["clinic.loyalty.liability.asat"]._rows(moment(4).date(), self.company.ids)
        self.assertEqual((month_end["liability"], month_end["difference"]), (214.81, 0.0))
        manual = self.env["account.move"].create(
            {
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create({"account_id": deferred.id, "balance": 5.0}),
                    Command.create({"account_id": revenue.id, "balance": -5.0}),
                ],
            }
        )
        manual.action_post()
        self.assertEqual(self.company._loyalty_liability_drift(), [(self.company, 5.0)])
