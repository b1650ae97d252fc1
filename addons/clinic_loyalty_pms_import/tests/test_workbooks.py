import base64
import os
import tempfile
import time

from odoo.tests import tagged

from .common import SAMPLES, PmsCommon


def _read(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


@tagged("post_install", "-at_install")
class TestWorkbooks(PmsCommon):
    """Excel reports (samples written by samples/make_workbooks.py): a first
    sheet without the table, a title, a date-range line, merged group
    headers, subtotal and grand-total rows, amounts as numbers and as text
    ('1,234.50'), Excel dates and a date as text. Read through the same
    profile settings as a CSV, in the upload wizard, the preview, the
    import and the drop folder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user("pms_excel_manager", "manager", cls.clinic)
        cls.generic.date_format = "%m/%d/%Y;iso"

    def assertReport(self, log):
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count, log.unmatched_count), (5, 3, 0))
        self.assertIn("Rows skipped: 4 totals or title line", log.report)
        inv = {i.name: i for i in self.Invoice.search([("profile_id", "=", self.generic.id)])}
        self.assertEqual(
            {n: (i.partner_id, str(i.date), i.amount_total) for n, i in inv.items()},
            {
                "G-1": (self.alice, "2026-03-14", 165.0),
                "G-2": (self.bob, "2026-03-15", 1315.0),
                "G-3": (self.carol, "2026-03-16", 30.0),
            },
        )
        self.assertEqual(inv["G-2"].line_ids.mapped("amount"), [80.5, 1234.5])
        self.assertEqual(inv["G-2"].line_ids.mapped("quantity"), [1.0, 2.0])
        self.assertEqual(inv["G-1"].pms_client_name, "Alice Smith")
        self.accrue()
        # Alice 165 // 10; Bob: the exam 80.50 (food earns nothing); Carol 30.
        self.assertEqual(self.points(), {"Alice Smith": 16, "Bob Jones": 8, "Carol White": 3})
        self.assertBooksHold()

    def test_xlsx_report_preview_then_import(self):
        wizard = (
            self.env["clinic.loyalty.pms.upload"]
            .with_user(self.manager)
            .create(
                {
                    "profile_id": self.generic.id,
                    "file": base64.b64encode(_read("generic-report-0316.xlsx")),
                    "file_name": "report.xlsx",
                }
            )
        )
        before = self.snapshot()
        wizard.action_preview()
        self.assertEqual(self.snapshot(), before, "the preview wrote to the business tables")
        self.assertIn("5 invoice lines (0 discounts) of 3 invoices: 3 paid", wizard.preview_summary)
        first = wizard.preview_line_ids[0]
        self.assertEqual((first.row_number, first.invoice, first.amount), (6, "G-1", 120.0))
        wizard.action_import()
        self.assertReport(wizard.import_id)

    def test_xls_report(self):
        self.assertReport(self.import_bytes(self.generic, _read("generic-report-0316.xls"), "report.xls"))

    def test_named_sheet(self):
        self.generic.sheet_name = "Notes"
        log = self.import_bytes(self.generic, _read("generic-report-0316.xlsx"), "report.xlsx")
        self.assertEqual(log.state, "failed")
        self.assertIn("No sheet of the workbook has a header row", log.report)
        self.generic.sheet_name = "invoice LINES"
        self.assertReport(self.import_bytes(self.generic, _read("generic-report-0316.xlsx"), "report.xlsx"))

    def test_xlsx_in_the_drop_folder(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.patch(self.env.cr, "commit", lambda: None)
        self.generic.drop_folder = tmp.name
        path = os.path.join(tmp.name, "report-0316.xlsx")
        with open(path, "wb") as f:
            f.write(_read("generic-report-0316.xlsx"))
        old = time.time() - 3600
        os.utime(path, (old, old))
        logs = self.generic._import_drop_folder()
        self.assertEqual(logs.mapped("origin"), ["folder"])
        self.assertIn("report-0316.xlsx", os.listdir(os.path.join(tmp.name, "processed"))[0])
        self.assertReport(logs)
