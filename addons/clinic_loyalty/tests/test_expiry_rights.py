from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .expiry_common import ExpiryCommon, d


@tagged("post_install", "-at_install")
class TestExpiryRights(ExpiryCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_expiry()
        cls.manager = cls._new_user("loyalty_expiry_manager", "manager", cls.clinic)

    @freeze_time("2026-02-01 03:00:00")
    def test_cashier_cannot_run_the_expiry(self):
        self._add(10, d("2025-01-10"))
        Expiry = self.Expiry.with_user(self.frontdesk)
        for run in (Expiry._run_expiry, Expiry._send_notices, Expiry._cron_expire_points):
            with self.assertRaisesRegex(AccessError, "Only a Loyalty Manager runs the points expiry"):
                run()
        self.assertEqual(self.acc.balance, 10)
        self.assertEqual(self.Expiry.with_user(self.manager)._run_expiry(), 1)
        self.assertEqual(self.acc.balance, 0)

    def test_cashier_cannot_change_the_expiry_settings(self):
        with self.assertRaises(AccessError):
            self.clinic.with_user(self.frontdesk).write({"loyalty_expiry_months": 60})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.frontdesk).create({"loyalty_expiry_months": 60})
        self.assertEqual(self.clinic.loyalty_expiry_months, 12)
        Access = self.env["ir.model.access"].with_user(self.frontdesk)
        self.assertFalse(Access.check("clinic.loyalty.lot", "write", raise_exception=False))
        self.assertTrue(Access.check("clinic.loyalty.lot", "read", raise_exception=False))

    def test_absurd_settings_refused_with_a_sentence(self):
        for values, message in (
            ({"loyalty_expiry_months": -1}, "Points expire after 0 \\(never\\) to 120 months"),
            ({"loyalty_expiry_months": 1200}, "Points expire after 0 \\(never\\) to 120 months"),
            ({"loyalty_expiry_notice_days": -3}, "Warn clients 0 \\(no warning\\) to 365 days"),
            ({"loyalty_expiry_notice_days": 10000}, "Warn clients 0 \\(no warning\\) to 365 days"),
        ):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                self.clinic.write(values)
        self.assertEqual(
            (self.clinic.loyalty_expiry_months, self.clinic.loyalty_expiry_notice_days), (12, 30)
        )

    def test_change_is_logged_on_the_clinic(self):
        self.clinic.with_user(self.env.user).write({"loyalty_expiry_notice_days": 14})
        log = self.clinic.partner_id.message_ids[:1]
        self.assertIn("Loyalty points expiry changed by", log.body)
        self.assertIn("Warn clients (days before): 30 → 14", log.body)

    def test_ledger_side_tables_refuse_the_orm(self):
        lot = self._add(10, d("2025-01-10"))
        self._take(4)
        for records in (lot, lot.allocation_ids):
            with self.assertRaisesRegex(Exception, "cannot be changed"):
                records.write({"points": 99})
            with self.assertRaisesRegex(Exception, "cannot be deleted"):
                records.unlink()
