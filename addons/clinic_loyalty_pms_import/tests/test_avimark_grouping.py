import base64
import os

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SAMPLES, PmsCommon


def _read(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


HEADER = "PRACTICEID|RECORDNUM|RECD|IANIMAL|CODE|TYPE|DATE|DOCTOR|QTY|AMOUNT|CLIENT|NUMBER|DESC"


@tagged("post_install", "-at_install")
class TestAvimarkGrouping(PmsCommon):
    """AVImark lines make invoices with their I summary record (same client,
    date and animal), not with their NUMBER: the extractor reads the number
    of S/T records from the wrong variant of the record, so lines carry 0 or
    another invoice's number (knvideostudio/AviBtreeExtract,
    Common/recInvoice.pas). The sample is shaped that way: newest records
    first, two clients on the same day, one client with two animals that
    day, zero and junk numbers on lines, cp1252."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.avimark = cls.profiles["avimark"]
        cls.avimark.discount_codes = "DISC"

    def import_lines(self, content):
        return self.import_bytes(self.avimark, content, "invoice-x.txt")

    def test_lines_join_their_summary_record(self):
        self.assertEqual(self.avimark.invoice_grouping, "summary")  # from the preset
        log = self.import_pair("avimark", "avimark-invoice-0316.txt", "avimark-client-0316.txt")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count, log.unmatched_count), (9, 5, 0))
        self.assertIn("5 invoice summary row", log.report)
        inv = {i.name: i for i in self.Invoice.search([("profile_id", "=", self.avimark.id)])}
        self.assertEqual(set(inv), {"7008", "7009", "7010", "7011", "7003"})  # never "0"
        self.assertEqual(
            {n: (i.partner_id.name, i.amount_total, i.state) for n, i in inv.items()},
            {
                "7011": ("Alice Smith", 120.0, "paid"),
                "7010": ("Carol White", 155.0, "paid"),
                "7009": ("Bob Jones", 135.0, "paid"),
                "7008": ("Carol White", 30.0, "paid"),
                "7003": ("Bob Jones", 80.0, "void"),
            },
        )
        # Line 51 carries Carol's 7010 but is Bob's (client 2002, animal 502).
        self.assertEqual(sorted(inv["7009"].line_ids.mapped("code")), ["EXAM", "VAC"])
        self.assertEqual(inv["7010"].line_ids.mapped("description")[2], "Remise fidélité")
        self.accrue()
        # Alice: exam 90 (food earns nothing) = 9; Carol (120 + 45 - 10) = 15 and 30 = 3;
        # Bob 135 = 13, his deleted 7003 nothing.
        self.assertEqual(self.points(), {"Alice Smith": 9, "Bob Jones": 13, "Carol White": 18})
        self.assertBooksHold()

    def test_preview_groups_the_same_way_and_writes_nothing(self):
        wizard = self.env["clinic.loyalty.pms.upload"].create(
            {
                "profile_id": self.avimark.id,
                "file": base64.b64encode(_read("avimark-invoice-0316.txt")),
                "file_name": "invoice-0316.txt",
                "client_file": base64.b64encode(_read("avimark-client-0316.txt")),
                "client_file_name": "client-0316.txt",
            }
        )
        before = self.snapshot()
        wizard.action_preview()
        self.assertEqual(self.snapshot(), before, "the preview wrote to the business tables")
        self.assertIn("9 invoice lines (1 discounts) of 5 invoices: 4 paid", wizard.preview_summary)
        lines = wizard.preview_line_ids.filtered(lambda r: r.kind != "skipped")
        self.assertEqual(
            lines.mapped("invoice"), ["7011", "7011", "7010", "7010", "7010", "7009", "7009", "7008", "7003"]
        )

    def test_summary_grouping_needs_summary_types(self):
        with self.assertRaisesRegex(ValidationError, "summary row types"):
            self.avimark.summary_types = False

    def test_grouping_by_number_would_collapse_the_lines(self):
        """What the evidence says is wrong: by NUMBER, lines of three clients make invoice 0."""
        self.avimark.invoice_grouping = "number"
        with open(os.path.join(SAMPLES, "avimark-invoice-0316.txt"), "rb") as f:
            log = self.import_lines(f.read())
        self.assertEqual(log.state, "done", log.report)
        self.assertIn("0", self.Invoice.search([("profile_id", "=", self.avimark.id)]).mapped("name"))

    def test_lines_that_do_not_add_up_are_a_row_error(self):
        with open(os.path.join(SAMPLES, "avimark-invoice-0316.txt"), "rb") as f:
            content = f.read().replace(b"|155.00|2001|7010|", b"|165.00|2001|7010|")
        before = self.snapshot()
        log = self.import_lines(content)
        self.assertEqual(log.state, "failed")
        self.assertIn(
            "Row 10: The lines of invoice 7010 add up to 155.00, its summary record says 165.00", log.report
        )
        self.assertEqual(self.snapshot(), before)

    def test_a_line_without_its_summary_is_a_row_error(self):
        content = "\n".join(
            [
                HEADER,
                "1|3|A|501|EXAM|S|03/15/2026|JDM|1|50.00|2001|0|Exam",
                "1|2|A|501|INV|I|03/15/2026|JDM|1|50.00|2001|7020|Invoice total",
                "1|1|A|601|EXAM|S|03/15/2026|JDM|1|70.00|2002|7020|Exam",
            ]
        ).encode()
        log = self.import_lines(content)
        self.assertEqual(log.state, "failed")
        self.assertIn(
            "Row 4: No invoice summary record is for client 2002, patient 601 on 2026-03-15", log.report
        )

    def test_two_summaries_for_one_animal_and_day_are_reported(self):
        content = "\n".join(
            [
                HEADER,
                "1|3|A|501|EXAM|S|03/15/2026|JDM|1|50.00|2001|0|Exam",
                "1|2|A|501|INV|I|03/15/2026|JDM|1|50.00|2001|7021|Invoice total",
                "1|1|A|501|INV|I|03/15/2026|JDM|1|0.00|2001|7022|Invoice total",
            ]
        ).encode()
        log = self.import_lines(content)
        self.assertEqual(log.state, "failed")
        self.assertIn("Several invoice summary records (7021, 7022)", log.report)

    def test_client_and_date_when_no_animal(self):
        content = "\n".join(
            [
                HEADER,
                "1|3|A||EXAM|S|03/15/2026|JDM|1|50.00|2003|0|Exam",
                "1|2|A||VAC|T|03/15/2026|JDM|1|20.00|2003|9|Vaccine",
                "1|1|A||INV|I|03/15/2026|JDM|1|70.00|2003|7030|Invoice total",
            ]
        ).encode()
        log = self.import_lines(content)
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual(self.Invoice.search([("profile_id", "=", self.avimark.id)]).mapped("name"), ["7030"])
