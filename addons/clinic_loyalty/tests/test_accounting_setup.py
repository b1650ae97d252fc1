from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestAccountingSetup(ClinicLoyaltyCommon):
    def test_accounts_and_journals_created_once_on_the_liability(self):
        company = self.clinic
        company._loyalty_accounting_setup()
        liability = company.loyalty_liability_account_id
        self.assertEqual(liability.account_type, "liability_current")
        self.assertFalse(liability.reconcile, "a paid-with-points payment must not wait on a statement")
        self.assertEqual(company.loyalty_earned_account_id.account_type, "expense")
        self.assertEqual(company.loyalty_breakage_account_id.account_type, "income_other")
        self.assertEqual(company.loyalty_journal_id.type, "general")
        payments = company.loyalty_payment_journal_id
        self.assertEqual(payments.default_account_id, liability)
        lines = payments.inbound_payment_method_line_ids | payments.outbound_payment_method_line_ids
        self.assertTrue(lines)
        self.assertEqual(lines.payment_account_id, liability)
        for account in liability | company.loyalty_earned_account_id | company.loyalty_breakage_account_id:
            self.assertEqual(account.company_ids, company)
        before = (liability, payments, company.loyalty_journal_id)
        company._loyalty_accounting_setup()
        self.assertEqual(
            (
                company.loyalty_liability_account_id,
                company.loyalty_payment_journal_id,
                company.loyalty_journal_id,
            ),
            before,
        )

    def test_company_without_chart_gets_nothing(self):
        bare = self.env["res.company"].create({"name": "Clinic without books"})
        bare._loyalty_accounting_setup()
        self.assertFalse(bare.loyalty_liability_account_id)
        self.assertFalse(bare.loyalty_payment_journal_id)

    def test_point_value_cannot_be_negative(self):
        # The database refuses it, whoever writes...
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env.cr.execute(
                "UPDATE res_company SET loyalty_point_value = -1 WHERE id = %s", [self.clinic.id]
            )
        # ... and the ORM says so in a sentence.
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["res.company"].new({"loyalty_point_value": -1})._check_loyalty_point_value()

    def test_register_payment_never_defaults_to_points(self):
        self.clinic._loyalty_accounting_setup()
        # A bank journal of the default sequence whose code sorts after the points journal's.
        self.company_data["default_journal_bank"].write({"code": "ZBNK", "sequence": 10})
        invoice = self.init_invoice("out_invoice", amounts=[100.0], post=True, company=self.clinic)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertTrue(wizard.journal_id)
        self.assertNotEqual(wizard.journal_id, self.clinic.loyalty_payment_journal_id)
