"""The "Loyalty points" method is created with the clinic's books, and a
session paid partly in points closes on the points liability: nothing is left
waiting on a bank statement."""

from uuid import uuid4

from odoo.tests import tagged

from odoo.addons.clinic_loyalty_pos import post_init_hook

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosPointsAccounting(OtpPosCommon):
    def assertPointsMethod(self, company):
        method = company._loyalty_pos_method()
        self.assertEqual(len(method), 1)
        self.assertEqual(method.use_payment_terminal, "clinic_loyalty")
        self.assertEqual(method.payment_method_type, "terminal")
        self.assertEqual(method.journal_id, company.loyalty_payment_journal_id)
        self.assertEqual(method.journal_id.type, "bank")
        self.assertEqual(method.outstanding_account_id, company.loyalty_liability_account_id)
        self.assertEqual(method.outstanding_account_id.account_type, "liability_current")
        return method

    def test_method_created_with_the_chart_once(self):
        env = self.env(su=True)
        method = self.assertPointsMethod(self.company)
        self.assertNotEqual(
            self.main_pos_config.payment_method_ids.filtered(lambda m: m.journal_id.type == "bank") - method,
            env["pos.payment.method"],
            "Odoo still made its own card method for the shop",
        )
        post_init_hook(env)
        self.company._loyalty_pos_setup()
        self.assertEqual(self.company._loyalty_pos_method(), method, "idempotent")
        # every company with a chart got one at install (or with its chart)
        for company in env["res.company"].search([]).filtered("chart_template"):
            self.assertPointsMethod(company)

    def test_company_given_a_chart_later(self):
        env = self.env(su=True)
        company = env["res.company"].create({"name": "New clinic", "country_id": env.ref("base.be").id})
        company._loyalty_pos_setup()
        self.assertFalse(company._loyalty_pos_method(), "no chart, no method")
        self.assertFalse(company.loyalty_payment_journal_id)
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        method = self.assertPointsMethod(company)
        self.assertFalse(method.config_ids)

    def test_existing_shops_get_the_method(self):
        env = self.env(su=True)
        method = self.company._loyalty_pos_method()
        method.config_ids = False
        method.active = False
        method.use_payment_terminal = False  # as if the addon had never run here
        self.company._loyalty_pos_setup()
        created = self.company._loyalty_pos_method()
        self.assertNotEqual(created, method)
        self.assertIn(self.main_pos_config, created.config_ids)
        self.assertIn(created, env["pos.config"].browse(self.main_pos_config.id).payment_method_ids)

    def test_session_close_debits_the_liability(self):
        session = self.open_session()
        liability = self.company.loyalty_liability_account_id
        uid = str(uuid4())
        challenge_id = self.pos_code(uid)  # the 40-point reward, worth 12.00
        order = self.sync(
            self.payload(
                uid,
                self.client,
                [(self.loyalty_method, 12.0, f"OTP-{challenge_id}"), (self.cash_method, 38.0, None)],
            )
        )
        self.assertEqual(order.state, "paid")
        entry = self.account.entry_ids.filtered(lambda e: e.kind == "redemption")
        self.assertEqual((entry.points, entry.amount, entry.res_model), (-40, 12.0, "pos.order"))
        self.assertIn("pos.order", self.env["clinic.loyalty.entry"]._loyalty_paid_sources())

        session.post_closing_cash_details(session.cash_register_balance_end)
        session.close_session_from_ui()
        self.assertEqual(session.state, "closed")

        lines = (
            self.env["account.move.line"]
            .sudo()
            .search([("account_id", "=", liability.id), ("parent_state", "=", "posted")])
        )
        self.assertAlmostEqual(
            sum(lines.mapped("balance")), 12.0, msg="the liability is debited by the payment"
        )
        payments = self.env["account.payment"].sudo().search([("pos_session_id", "=", session.id)])
        points_payment = payments.filtered(lambda p: p.journal_id == self.company.loyalty_payment_journal_id)
        self.assertEqual(len(points_payment), 1)
        self.assertEqual(points_payment.amount, 12.0)
        self.assertEqual(points_payment.state, "paid", "nothing waits on a bank statement")
        self.assertEqual(points_payment.outstanding_account_id, liability)
        # no outstanding receipt left on the usual outstanding account for points
        outstanding = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id", "in", points_payment.move_id.ids),
                    ("account_id.reconcile", "=", True),
                    ("reconciled", "=", False),
                ]
            )
        )
        self.assertFalse(outstanding)
        self.assertEqual(self.account.balance, 60, "the closing spent no points again")
