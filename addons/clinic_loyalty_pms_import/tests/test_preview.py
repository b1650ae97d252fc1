import base64
import os

from odoo.tests import tagged

from .common import SAMPLES, PmsCommon


def _b64(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return base64.b64encode(f.read())


@tagged("post_install", "-at_install")
class TestPreview(PmsCommon):
    """The upload wizard shows the file as the profile reads it before
    anything is written; Import then runs the real thing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user("pms_preview_manager", "manager", cls.clinic)
        cls.profiles["cornerstone"].discount_codes = "DISC10"

    def wizard(self, lines="cornerstone-transactions-0314.csv", clients="cornerstone-clients-0314.csv"):
        vals = {"profile_id": self.profiles["cornerstone"].id, "file": _b64(lines), "file_name": lines}
        if clients:
            vals.update(client_file=_b64(clients), client_file_name=clients)
        return self.env["clinic.loyalty.pms.upload"].with_user(self.manager).create(vals)

    def test_preview_writes_nothing_then_import_imports(self):
        # Kibble earns at another clinic only: not here.
        other = self.env["res.company"].create({"name": "Preview other clinic"})
        self.food.product_tmpl_id.with_company(other).loyalty_eligible = True
        wizard = self.wizard()
        self.assertTrue(wizard.needs_client_file)
        before = self.snapshot()
        wizard.action_preview()
        self.assertEqual(self.snapshot(), before, "the preview wrote to the business tables")
        self.assertFalse(
            self.env["clinic.loyalty.pms.import"].search([("profile_id", "=", wizard.profile_id.id)])
        )
        summary = wizard.preview_summary
        self.assertIn("Nothing has been written yet", summary)
        self.assertIn("9 invoice lines (1 discounts) of 6 invoices: 3 paid, 1 not paid yet", summary)
        self.assertIn("2 voided", summary)
        self.assertIn("0 new billing codes", summary)  # CASH is a payment, DISC10 a discount
        self.assertIn("3 clients: 0 already matched, 0 already waiting in Unmatched clients, 3 new", summary)
        self.assertIn("1 payment", summary)
        self.assertIn("1 totals or title line", summary)
        rows = [
            (r.row_number, r.invoice, r.client_ref, r.client_name, r.code, r.kind, r.amount, r.status)
            for r in wizard.preview_line_ids
        ]
        self.assertEqual(rows[0], (4, "5001", "101", "Alice Smith", "EXAM", "charge", 100.0, "paid"))
        self.assertEqual(rows[2][4:7], ("FOOD", "charge", 0.0))  # kibble earns nothing
        self.assertEqual(rows[3][:6], (7, "5001", "101", False, "CASH", "skipped"))
        self.assertIn("payment", wizard.preview_line_ids[3].skip_reason)
        self.assertEqual(rows[4][5:], ("charge", 50.0, "void"))
        self.assertEqual(rows[5][7], "open")
        self.assertEqual(rows[6][6], -60.0)
        self.assertEqual(rows[8][4:7], ("DISC10", "discount", -10.0))
        self.assertEqual(wizard.preview_line_ids[-1].skip_reason, "totals or title line")

        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.report)
        self.assertEqual(wizard.import_id.invoice_count, 6)
        self.accrue()
        self.assertEqual(self.points(), {"Alice Smith": 7, "Bob Jones": 9, "Carol White": 0})

    def test_preview_of_a_rejected_file_shows_why_and_writes_nothing(self):
        self.profiles["cornerstone"].date_format = "%d.%m.%Y"
        wizard = self.wizard()
        before = self.snapshot()
        wizard.action_preview()
        self.assertEqual(self.snapshot(), before)
        self.assertIn("The file was rejected", wizard.preview_summary)
        self.assertIn("Row 4: Cannot read the date", wizard.preview_summary)
        self.assertFalse(wizard.preview_line_ids)

    def test_preview_without_the_client_file_says_so(self):
        wizard = self.wizard(clients=None)
        wizard.action_preview()
        self.assertIn("No client file", wizard.preview_summary)
