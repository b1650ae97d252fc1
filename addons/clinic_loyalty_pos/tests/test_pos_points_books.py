"""The books of a shop whose clients pay and are refunded in points, over
several sessions: the liability account holds the points' value after each
closing and each daily entry."""

from datetime import timedelta
from uuid import uuid4

from odoo import fields
from odoo.tests import tagged

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosPointsBooks(OtpPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.loyalty_point_value = 0.30  # the 40-point reward is worth 12.00
        cls.Daily = cls.env["clinic.loyalty.daily.move"]

    def _liability(self):
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.company.loyalty_liability_account_id.id),
                    ("parent_state", "=", "posted"),
                ]
            )
        )
        return -sum(lines.mapped("balance"))

    def _close(self, session):
        session.post_closing_cash_details(session.cash_register_balance_end)
        session.close_session_from_ui()
        self.assertEqual(session.state, "closed")
        payments = self.env["account.payment"].sudo().search([("pos_session_id", "=", session.id)])
        points = payments.filtered(lambda p: p.journal_id == self.company.loyalty_payment_journal_id)
        self.assertEqual(set(points.mapped("state")), {"paid"}, "no points payment waits on a statement")
        return points

    def assertBooksHold(self, day):
        self.Daily._book_company(self.company, day)
        outstanding = sum(
            self.env["clinic.loyalty.account"]
            .sudo()
            .search([("company_id", "=", self.company.id)])
            .mapped("balance")
        )
        self.assertAlmostEqual(self._liability(), outstanding * 0.30)
        self.assertFalse(self.Daily._book_company(self.company, day), "a rerun books nothing")
        moves = self.Daily.search([("company_id", "=", self.company.id)]).move_id
        self.assertEqual(set(moves.mapped("state")), {"posted"})

    def test_refund_in_points_closed_in_a_later_session(self):
        today = fields.Date.today()
        self.assertBooksHold(today - timedelta(days=3))
        before = self._liability()
        session = self.open_session()
        uid = str(uuid4())
        order = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{self.pos_code(uid)}"), (self.cash_method, 38.0, None)],
            )
        )
        # The night's run while the session stays open: timing, not a difference.
        self.Daily._book_company(self.company, today - timedelta(days=2))
        report = self.env["clinic.loyalty.liability.report"].search([("company_id", "=", self.company.id)])
        self.assertEqual((report.open_sessions, report.unbooked_value, report.difference), (12.0, 0.0, 0.0))
        self.assertFalse(self.company._loyalty_liability_drift(), "the weekly check finds nothing")
        self._close(session)
        self.assertAlmostEqual(self._liability(), before - 12.0, msg="the closing debited the points' value")
        self.env.flush_all()
        report.invalidate_model()
        self.assertEqual((report.open_sessions, report.difference), (0.0, 0.0))

        later = self.open_session()
        self.assertNotEqual(later, session)
        refund = self.sync(
            self.payload(
                str(uuid4()),
                self.client,
                [(self.loyalty_method, -12.0, "OTP-REFUND"), (self.cash_method, -38.0, None)],
                qty=-1,
                refunded_line=order.lines,
            )
        )
        self.assertEqual(refund.refunded_order_id, order)
        self.assertEqual(self.account.balance, 100)
        [points_payment] = self._close(later)
        self.assertEqual(points_payment.payment_type, "outbound")
        self.assertEqual(points_payment.amount, 12.0)
        lines = points_payment.move_id.line_ids
        receivable = later._get_receivable_account(self.loyalty_method)
        self.assertEqual(lines.filtered(lambda line: line.account_id == receivable).debit, 12.0)
        liability = self.company.loyalty_liability_account_id
        self.assertEqual(lines.filtered(lambda line: line.account_id == liability).credit, 12.0)
        # The session's POS receivable is settled by the payments.
        session_receivable = later.move_id.line_ids.filtered(lambda line: line.account_id == receivable)
        self.assertTrue(session_receivable)
        self.assertTrue(all(session_receivable.mapped("reconciled")))
        self.assertAlmostEqual(self._liability(), before, msg="the points are owed again")
        self.assertBooksHold(today)

    def test_training_shop_never_touches_the_books(self):
        today = fields.Date.today()
        self.assertBooksHold(today - timedelta(days=3))
        before = self._liability()
        self.grooming.product_tmpl_id.with_company(self.company).loyalty_eligible = True
        self.company.loyalty_start_date = today - timedelta(days=7)
        self.company.loyalty_status = "test"
        self.main_pos_config.loyalty_training = True
        session = self.open_session()
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)
        trial = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
            )
        )
        cash_trial = self.sync(self.payload(str(uuid4()), self.client, [(self.cash_method, 50.0, None)]))
        self.env["clinic.loyalty.accrual"]._run_accrual()
        self.assertEqual((trial.loyalty_points, cash_trial.loyalty_points), (0, 0), "a trial earns nothing")
        self.assertEqual(self.account.balance, 100)
        [points_payment] = self._close(session)
        self.assertEqual(points_payment.outstanding_account_id, self.company.loyalty_earned_account_id)
        self.assertAlmostEqual(self._liability(), before, msg="no points were taken: the liability stays")
        self.company.loyalty_status = "on"
        self.assertBooksHold(today)
        self.assertAlmostEqual(self._liability(), before)

    def test_liability_account_change_repoints_the_points_method(self):
        old = self.company.loyalty_liability_account_id
        new = self.env["account.account"].create(
            {
                "name": "Points owed",
                "code": "299002",
                "account_type": "liability_current",
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        self.company.loyalty_liability_account_id = new
        self.assertEqual(self.loyalty_method.outstanding_account_id, new)
        session = self.open_session()
        uid = str(uuid4())
        self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{self.pos_code(uid)}"), (self.cash_method, 38.0, None)],
            )
        )
        [points_payment] = self._close(session)
        self.assertEqual(points_payment.outstanding_account_id, new)
        self.assertFalse(
            self.env["account.move.line"]
            .sudo()
            .search([("account_id", "=", old.id), ("parent_state", "=", "posted")])
        )
        self.assertBooksHold(fields.Date.today())
