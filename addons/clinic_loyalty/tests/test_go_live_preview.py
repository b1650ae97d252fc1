"""Go-live preview: in Test, what switching On from a chosen start date
would give, replayed with the engine's rules and nothing written; the
accrual then gives exactly that."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon

TABLES = ("clinic_loyalty_entry", "clinic_loyalty_lot", "clinic_loyalty_account", "clinic_loyalty_daily_move")


@tagged("post_install", "-at_install")
class TestGoLivePreview(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic.sudo().loyalty_point_value = 0.50
        today = fields.Date.today()
        cls.start = today - timedelta(days=30)
        # Before the start date: never counted.
        cls._paid_invoice(cls.client_a, [(cls.vaccine, 500.0)], date=today - timedelta(days=60))
        # Since the start date (untaxed): Alice 45 + 15 (+ food), Bob 95, the farm's contact 9.
        cls._paid_invoice(
            cls.client_a, [(cls.vaccine, 45.0), (cls.pet_food, 25.0)], date=today - timedelta(days=20)
        )
        cls._paid_invoice(cls.client_a, [(cls.consultation, 15.0)], date=today - timedelta(days=5))
        cls._paid_invoice(cls.client_b, [(cls.vaccine, 95.0)], date=today - timedelta(days=10))
        cls._paid_invoice(cls.farm_contact, [(cls.consultation, 9.0)], date=today - timedelta(days=3))
        # Unpaid: earns nothing.
        cls._invoice(cls.client_b, [(cls.vaccine, 300.0)], date=today - timedelta(days=2))

    def counts(self):
        self.env.flush_all()
        counts = {}
        for table in TABLES:
            self.env.cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
            counts[table] = self.env.cr.fetchone()[0]
        return counts

    def accrued(self):
        self.clinic.loyalty_start_date = self.start
        self._accrue()
        accounts = self.Account.search([("company_id", "=", self.clinic.id), ("balance", ">", 0)])
        points = sum(accounts.mapped("balance"))
        return {"clients": len(accounts), "points": points, "liability": points * 0.50}

    def preview(self):
        before = self.counts()
        figures = self.Accrual._go_live_preview(self.clinic, self.start)
        self.assertEqual(self.counts(), before, "the preview writes nothing")
        return figures

    def test_per_transaction(self):
        figures = self.preview()
        # One point per 10.00 of each invoice: 4 + 1 for Alice, 9 for Bob, none for 9.00.
        self.assertEqual(figures, {"clients": 2, "points": 14, "liability": 7.0})
        earlier = self.Accrual._go_live_preview(self.clinic, self.start - timedelta(days=60))
        self.assertEqual(earlier["points"], 14 + 50, "an earlier start date counts the older invoice")
        self.assertEqual(figures, self.accrued())

    def test_total_spend(self):
        self.clinic.loyalty_earning_mode = "total_spend"
        figures = self.preview()
        # Alice's 60.00 together make 6 points; Bob 9; the farm's 9.00 waits for more.
        self.assertEqual(figures, {"clients": 2, "points": 15, "liability": 7.5})
        self.assertEqual(figures, self.accrued())

    def test_settings_page_shows_it_in_test_only(self):
        page = self.env["clinic.loyalty.settings"].create({})
        self.assertFalse(page.loyalty_preview)
        before = self.counts()
        page.loyalty_preview_date = self.start
        self.assertIn("would give 2 clients 14 points", page.loyalty_preview)
        self.assertIn("7.00", page.loyalty_preview)
        self.assertEqual(self.counts(), before)
        self.clinic.loyalty_status = "off"
        page.invalidate_recordset(["loyalty_preview"])
        self.assertFalse(page.loyalty_preview, "only in Test")
