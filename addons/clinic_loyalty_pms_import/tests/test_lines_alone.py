import base64
import os

from odoo.tests import tagged

from .common import SAMPLES, PmsCommon


def _b64(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return base64.b64encode(f.read())


@tagged("post_install", "-at_install")
class TestLinesAlone(PmsCommon):
    """A clinic with only the transactions still earns: the lines import
    without their client file, the clients wait by PMS id in Unmatched
    clients (no name, phone or email) until a client file or a Loyalty
    Manager completes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user("pms_alone_manager", "manager", cls.clinic)
        cls.cornerstone = cls.profiles["cornerstone"]
        cls.cornerstone.discount_codes = "DISC10"

    def wizard(self, clients=None):
        lines = "cornerstone-transactions-0314.csv"
        vals = {"profile_id": self.cornerstone.id, "file": _b64(lines), "file_name": lines}
        if clients:
            vals.update(client_file=_b64(clients), client_file_name=clients)
        return self.env["clinic.loyalty.pms.upload"].with_user(self.manager).create(vals)

    def test_preview_says_what_is_missing_and_writes_nothing(self):
        wizard = self.wizard()
        before = self.snapshot()
        wizard.action_preview()
        self.assertEqual(self.snapshot(), before)
        self.assertIn("9 invoice lines (1 discounts) of 6 invoices", wizard.preview_summary)
        self.assertIn("No client file", wizard.preview_summary)
        self.assertIn("3 clients are not known yet", wizard.preview_summary)
        self.assertFalse(wizard.preview_line_ids[0].client_name)

    def test_lines_alone_then_the_client_file_completes_them(self):
        wizard = self.wizard()
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.report)
        log = wizard.import_id
        self.assertEqual((log.row_count, log.invoice_count, log.unmatched_count), (9, 6, 3))
        refs = self.Ref.search([("profile_id", "=", self.cornerstone.id)])
        self.assertEqual(sorted(refs.mapped("external_id")), ["101", "102", "103"])
        self.assertFalse(any(refs.mapped("name")) or any(refs.mapped("phone")) or any(refs.mapped("email")))
        self.assertFalse(refs.partner_id)
        self.accrue()
        self.assertEqual(self.points(), {"Alice Smith": 0, "Bob Jones": 0, "Carol White": 0})

        # The next export comes with its client file: the waiting clients are matched and earn.
        log = self.import_pair(
            "cornerstone", "cornerstone-transactions-0314.csv", "cornerstone-clients-0314.csv"
        )
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual(log.unmatched_count, 0)
        self.assertEqual(refs.filtered(lambda r: r.external_id == "101").name, "Alice Smith")
        self.accrue()
        self.assertEqual(self.points(), {"Alice Smith": 7, "Bob Jones": 9, "Carol White": 0})
        self.assertBooksHold()

        # A later lines file alone never erases what the client file told.
        log = self.import_sample("cornerstone", "cornerstone-transactions-0314.csv")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual(refs.filtered(lambda r: r.external_id == "101").name, "Alice Smith")
        self.accrue()
        self.assertEqual(self.points(), {"Alice Smith": 7, "Bob Jones": 9, "Carol White": 0})
