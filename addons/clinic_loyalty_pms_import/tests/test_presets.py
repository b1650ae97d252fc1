from odoo.tests import tagged

from .common import PmsCommon


@tagged("post_install", "-at_install")
class TestPresets(PmsCommon):
    """Each shipped preset reads a file shaped like its public evidence (see
    the preset's note): a title line before the header, a totals line, a
    payment, a discount, a voided and an unposted invoice, a return, an
    accented client name in cp1252 or UTF-8 with a BOM, a quoted field with a
    comma; the client file joined on the client id brings phones and emails.
    What is not in the evidence (a clinic's discount codes, ImproMed's line
    type column) is set on the profile as a clinic would."""

    def lines_of(self, pms):
        invoices = self.Invoice.search([("profile_id", "=", self.profiles[pms].id)])
        return {i.name: i for i in invoices}

    def test_cornerstone_datapoint_transactions_and_clients(self):
        self.profiles["cornerstone"].discount_codes = "DISC10"
        log = self.import_pair(
            "cornerstone", "cornerstone-transactions-0314.csv", "cornerstone-clients-0314.csv"
        )
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count, log.unmatched_count), (9, 6, 0))
        self.assertIn("1 payment", log.report)
        self.assertIn("1 totals or title line", log.report)
        inv = self.lines_of("cornerstone")
        self.assertEqual(
            {n: i.state for n, i in inv.items()},
            {"5001": "paid", "5002": "void", "5003": "open", "5004": "paid", "5005": "paid", "5006": "void"},
        )
        # Amount before discount, tax apart: the exam earns on 120 - 20; no payment line.
        self.assertEqual(inv["5001"].line_ids.mapped("amount"), [100.0, 35.0, 40.0])
        self.assertEqual(inv["5001"].line_ids[1].description, "Rabies vaccine, 3 years")
        self.assertEqual(inv["5001"].partner_id, self.alice)  # by the client file's phone1
        self.assertEqual(inv["5001"].pms_client_name, "Alice Smith")
        self.assertEqual(inv["5003"].pms_client_name, "Carol White-Müller")  # UTF-8 with a BOM
        self.assertEqual(str(inv["5001"].date), "2026-03-14")  # ISO 8601 with offset: the day written
        self.assertEqual(inv["5004"].amount_total, -60.0)  # negative quantity: a return
        discount = inv["5005"].line_ids.filtered(lambda line: line.kind == "discount")
        self.assertEqual((discount.amount, discount.product_id.id), (-10.0, False))
        self.accrue()
        # Alice 135 // 10 = 13, return -6; Bob 90 // 10 (voided 5002 earns 0); Carol: open + deleted.
        self.assertEqual(self.points(), {"Alice Smith": 7, "Bob Jones": 9, "Carol White": 0})
        self.assertBooksHold()

    def test_avimark_account_records_and_clients(self):
        self.profiles["avimark"].discount_codes = "DISC"
        log = self.import_pair("avimark", "avimark-invoice-0314.txt", "avimark-client-0314.txt")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count), (5, 3))
        self.assertIn("3 invoice summary row", log.report)  # grouped by them
        self.assertIn("1 payment", log.report)
        inv = self.lines_of("avimark")
        self.assertEqual(
            {n: i.state for n, i in inv.items()}, {"7001": "paid", "7002": "void", "7004": "paid"}
        )
        self.assertEqual(inv["7001"].pms_client_name, "Zoë Müller")  # cp1252 client file
        self.assertEqual(inv["7001"].partner_id, self.carol)  # by email from the client file
        self.assertEqual(inv["7002"].partner_id, self.bob)  # AREA + PHONE
        self.assertEqual(inv["7001"].line_ids.mapped("code"), ["EXAM", "VAC", "DISC"])
        self.assertEqual(inv["7001"].line_ids[0].description, "Examen général")
        self.assertEqual(inv["7001"].line_ids[1].description, "Rabies, 3 yr")
        self.assertEqual(inv["7001"].amount_total, 155.0)
        self.assertEqual(str(inv["7002"].date), "2026-03-14")  # two-digit year
        self.accrue()
        # Carol (120 + 45 - 10) // 10 = 15, return -6; Bob's invoice is a deleted record.
        self.assertEqual(self.points(), {"Alice Smith": 0, "Bob Jones": 0, "Carol White": 9})
        self.assertBooksHold()

    def test_impromed_sql_server_export_and_clients(self):
        self.profiles["impromed"].write(
            {"col_row_type": "LineType", "payment_types": "PAY", "discount_codes": "DSC"}
        )
        log = self.import_pair("impromed", "impromed-invoice-0314.tsv", "impromed-client-0314.csv")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count), (6, 4))
        inv = self.lines_of("impromed")
        self.assertEqual(
            {n: i.state for n, i in inv.items()},
            {"9001": "paid", "9002": "void", "9003": "open", "9004": "paid"},
        )
        self.assertEqual(inv["9003"].pms_client_name, "Carol Zoë White, Dr.")
        self.assertEqual(inv["9003"].partner_id, self.carol)
        self.assertEqual(inv["9001"].line_ids[1].patient, "")  # NULL is missing, not a name
        self.assertEqual(inv["9001"].line_ids[1].description, "Vaccine, DHPP")
        self.accrue()
        # Alice (100 + 50 - 15) // 10 = 13, return -3; Bob deleted; Carol not concluded.
        self.assertEqual(self.points(), {"Alice Smith": 10, "Bob Jones": 0, "Carol White": 0})
        self.assertBooksHold()

    def test_generic_full_file(self):
        self.generic.write(
            {
                "encoding": False,
                "col_row_type": "type",
                "col_patient": False,
                "payment_types": "payment",
                "discount_types": "discount",
            }
        )
        log = self.import_sample("generic", "generic-full.csv")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count), (6, 4))
        inv = {i.name: i for i in self.Invoice.search([("profile_id", "=", self.generic.id)])}
        self.assertEqual(inv["G-10"].pms_client_name, "Smith, Alice")
        self.assertEqual(inv["G-12"].pms_client_name, "Carol Whité")
        self.assertEqual(str(inv["G-13"].date), "2026-03-16")
        self.accrue()
        # Alice (80 + 40 - 12) // 10 = 10, return -4; Bob voided; Carol open.
        self.assertEqual(self.points(), {"Alice Smith": 6, "Bob Jones": 0, "Carol White": 0})

    def test_generic_csv(self):
        log = self.import_sample("generic", "generic.csv")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.invoice_count, log.unmatched_count), (2, 1))
        g1 = self.Invoice.search([("name", "=", "G-1")])
        self.assertEqual((g1.partner_id, g1.amount_total, g1.state), (self.alice, 90.0, "paid"))
        self.accrue()
        self.assertEqual(self.balance(self.alice), 9)  # 99.99 - (9.99)

    def test_decimal_comma_semicolon(self):
        self.generic.write({"delimiter": ";", "decimal_separator": ",", "date_format": "%d.%m.%Y"})
        log = self.import_bytes(
            self.generic,
            (
                b"invoice_number;date;status;client_id;client_name;phone;email;code;description;quantity;amount;patient\n"
                b"E-1;14.03.2026;;K9;Alice;;alice@example.com;EXAM;Exam;1,5;1.234,56;Rex\n"
            ),
        )
        self.assertEqual(log.state, "done", log.report)
        invoice = self.Invoice.search([("name", "=", "E-1")])
        self.assertEqual((invoice.amount_total, invoice.line_ids.quantity), (1234.56, 1.5))

    def test_lines_file_alone_queues_its_clients(self):
        """Without its client file the lines still import (test_lines_alone)."""
        with open(f"{self.SAMPLES}/avimark-invoice-0314.txt", "rb") as f:
            log = self.env["clinic.loyalty.pms.import"]._import_file(self.profiles["avimark"], f, "x.txt")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.invoice_count, log.unmatched_count), (3, 2))
