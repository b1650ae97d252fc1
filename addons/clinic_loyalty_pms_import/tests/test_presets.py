from odoo.tests import tagged

from .common import PmsCommon


@tagged("post_install", "-at_install")
class TestPresets(PmsCommon):
    """Each shipped preset reads an export as its PMS writes it (samples/):
    the system's own column order, columns the import does not use (species,
    staff, tax, unit price...), its encoding and line ends."""

    def test_cornerstone(self):
        log = self.import_sample("cornerstone", "cornerstone.csv")
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual((log.row_count, log.invoice_count, log.unmatched_count), (4, 3, 0))
        invoices = self.Invoice.search([("profile_id", "=", self.profiles["cornerstone"].id)])
        c1001 = invoices.filtered(lambda i: i.name == "C-1001")
        self.assertEqual(c1001.partner_id, self.alice)  # by phone, printed another way
        self.assertEqual(c1001.amount_total, 1090.0)  # "1,050.00" + 40.00
        self.assertEqual(c1001.line_ids.mapped("row_number"), [2, 3])
        self.assertEqual(c1001.line_ids[0].patient, "Rex")
        self.assertEqual(c1001.pms_client_name, "Alice Smith")  # the BOM of Excel's CSV is not a name
        self.assertEqual(c1001.line_ids.mapped("code"), ["EXAM", "FOOD"])
        self.assertEqual(invoices.filtered(lambda i: i.name == "C-1003").state, "void")
        self.accrue()
        self.assertEqual(self.balance(self.alice), 105)  # kibble is not eligible
        self.assertEqual(self.balance(self.bob), 3)  # 35.50
        self.assertEqual(self.balance(self.carol), 0)  # voided
        entries = self.env["clinic.loyalty.entry"].search(
            [("res_model", "=", "clinic.loyalty.pms.invoice"), ("company_id", "=", self.clinic.id)]
        )
        self.assertEqual(set(entries.mapped("kind")), {"import"})
        self.assertEqual(set(entries.mapped("source_name")), {"C-1001", "C-1002"})
        self.assertBooksHold()

    def test_avimark_cp1252_two_digit_year_unknown_code(self):
        log = self.import_sample("avimark", "avimark.csv")
        self.assertEqual(log.state, "done", log.report)
        invoice = self.Invoice.search([("profile_id", "=", self.profiles["avimark"].id)])
        self.assertEqual(invoice.pms_client_name, "Zoë Müller")
        self.assertEqual(str(invoice.date), "2026-03-14")
        self.assertEqual(invoice.partner_id, self.carol)  # by email, case-insensitive
        dental = invoice.line_ids.filtered(lambda line: line.code == "DENT").product_id
        self.assertEqual(
            (dental.type, dental.loyalty_eligible, dental.company_id), ("service", False, self.clinic)
        )
        self.assertEqual(dental.name, "Dental cleaning")
        exam = invoice.line_ids.filtered(lambda line: line.code == "EXAM")
        self.assertEqual((exam.product_id, exam.patient), (self.exam, "Félix"))
        self.assertEqual(log.product_count, 1)
        self.accrue()
        self.assertEqual(self.balance(self.carol), 12)

    def test_impromed_tab_separated(self):
        log = self.import_sample("impromed", "impromed.tsv")
        self.assertEqual(log.state, "done", log.report)
        invoices = self.Invoice.search([("profile_id", "=", self.profiles["impromed"].id)], order="name")
        self.assertEqual(invoices.mapped("state"), ["paid", "open"])
        # The extended price, not the unit price, is what the client paid.
        self.assertEqual((invoices[0].amount_total, invoices[0].line_ids.quantity), (25.0, 2.0))
        self.assertEqual(invoices.mapped("partner_id"), self.bob | self.alice)
        self.accrue()
        self.assertEqual(self.balance(self.bob), 2)
        self.assertEqual(self.balance(self.alice), 0, "an open invoice earns nothing yet")

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
