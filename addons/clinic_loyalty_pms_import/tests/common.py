"""Fixtures for the PMS import tests: a US clinic whose programme is in Test
(per transaction, 1 point per 10.00), billing codes, clients, and helpers
that import a file and run the core accrual engine (users and accounts
come from clinic_loyalty's :class:`LoyaltyBuilders`)."""

import io
import os

from odoo.tests import TransactionCase
from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tests.common import LoyaltyBuilders

SAMPLES = os.path.join(os.path.dirname(__file__), "samples")
STAGING_TABLES = [
    "clinic_loyalty_pms_invoice",
    "clinic_loyalty_pms_invoice_line",
    "clinic_loyalty_pms_client_ref",
    "product_product",
    "product_template",
    "res_partner",
    "clinic_loyalty_entry",
    "clinic_loyalty_account",
]


class PmsCommon(LoyaltyBuilders, TransactionCase):
    SAMPLES = SAMPLES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.clinic = cls.env["res.company"].create(
            {
                "name": "Riverside Vets",
                "country_id": cls.env.ref("base.us").id,
                "currency_id": cls.env.ref("base.USD").id,
            }
        )
        cls.clinic.write(
            {
                "loyalty_status": "test",
                "loyalty_earning_mode": "per_transaction",
                "loyalty_spend_per_point": 10.0,
                "loyalty_min_transaction_amount": 0.0,
                # The sample exports are dated March 2026: the programme started before.
                "loyalty_start_date": "2026-01-01",
            }
        )
        Product = cls.env["product.product"]
        cls.exam = Product.create(
            {
                "name": "Exam",
                "default_code": "EXAM",
                "type": "service",
                "company_id": cls.clinic.id,
                "loyalty_eligible": True,
            }
        )
        cls.vaccine = Product.create(
            {
                "name": "Vaccine",
                "default_code": "VAC",
                "type": "service",
                "company_id": cls.clinic.id,
                "loyalty_eligible": True,
            }
        )
        cls.food = Product.create(
            {"name": "Food", "default_code": "FOOD", "company_id": cls.clinic.id, "loyalty_eligible": False}
        )
        Partner = cls.env["res.partner"]
        cls.alice = Partner.create(
            {
                "name": "Alice Smith",
                "phone": "+1 415 555 0101",
                "email": "alice@example.com",
                "company_id": cls.clinic.id,
            }
        )
        cls.bob = Partner.create({"name": "Bob Jones", "phone": "(415) 555-0102"})
        cls.carol = Partner.create({"name": "Carol White", "email": "Carol@Example.com"})
        cls.profiles = {}
        for pms in ("cornerstone", "avimark", "impromed", "generic"):
            preset = cls.env.ref(f"clinic_loyalty_pms_import.pms_preset_{pms}")
            cls.profiles[pms] = cls.env["clinic.loyalty.pms.profile"].create(
                {
                    "name": f"{pms} export",
                    "company_id": cls.clinic.id,
                    "preset_id": preset.id,
                }
            )
        cls.generic = cls.profiles["generic"]
        cls.Invoice = cls.env["clinic.loyalty.pms.invoice"]
        cls.Ref = cls.env["clinic.loyalty.pms.client.ref"]

    @classmethod
    def import_bytes(cls, profile, content, name="export.csv"):
        return cls.env["clinic.loyalty.pms.import"]._import_file(profile, io.BytesIO(content), name)

    @classmethod
    def import_rows(cls, profile, rows, header=None):
        header = header or (
            "invoice_number,date,status,client_id,client_name,phone,email,code,description,"
            "quantity,amount,patient"
        )
        return cls.import_bytes(profile, "\n".join([header, *rows]).encode())

    @classmethod
    def import_sample(cls, pms, file_name):
        with open(os.path.join(SAMPLES, file_name), "rb") as f:
            return cls.env["clinic.loyalty.pms.import"]._import_file(cls.profiles[pms], f, file_name)

    @classmethod
    def import_pair(cls, pms, lines_name, clients_name):
        """Import a lines file with its client file (two-file exports)."""
        with (
            open(os.path.join(SAMPLES, lines_name), "rb") as f,
            open(os.path.join(SAMPLES, clients_name), "rb") as c,
        ):
            return cls.env["clinic.loyalty.pms.import"]._import_file(
                cls.profiles[pms], f, lines_name, client_fileobj=c
            )

    def points(self):
        """{partner: balance} of the three test clients."""
        return {p.name: self.balance(p) for p in (self.alice, self.bob, self.carol)}

    def accrue(self):
        return self.env["clinic.loyalty.accrual"]._run_accrual()

    def balance(self, partner):
        account = self.env["clinic.loyalty.account"].search(
            [("partner_id", "=", partner.commercial_partner_id.id), ("company_id", "=", self.clinic.id)]
        )
        return account.balance

    def snapshot(self):
        self.env.flush_all()
        counts = {}
        for table in STAGING_TABLES:
            self.env.cr.execute(
                SQL("SELECT count(*), COALESCE(max(write_date), '1970-01-01') FROM %s", SQL.identifier(table))
            )
            counts[table] = self.env.cr.fetchone()
        return counts

    def assertBooksHold(self):
        self.assertEqual(self.env["clinic.loyalty.account"]._check_drift(), [])
