import io

from odoo.tests import tagged

from .common import PmsCommon

HEADER = (
    "invoice_number,date,status,client_id,client_name,phone,email,code,description,quantity,amount,patient"
)
GOOD = "G1,2026-03-01,,P-1,Alice,,alice@example.com,NEWCODE,New,1,10,"


class Growing(io.BytesIO):
    """The PMS appends to the file while it is being imported."""

    seeks = 0

    def __init__(self, first, then):
        super().__init__(first)
        self.then = then

    def seek(self, *args):
        Growing.seeks += 1
        # After: the workbook sniff, the header sniff, the validation pass.
        if Growing.seeks == 3:  # the validation pass is over
            self.truncate(0)
            super().seek(0)
            self.write(self.then)
        return super().seek(*args)


@tagged("post_install", "-at_install")
class TestBadInput(PmsCommon):
    """A bad file is rejected whole: the database is left as it was (no
    invoice, line, client, billing code, partner or ledger row added, none
    changed) and the report names the rows and the reasons."""

    def assertRejected(self, content, *expected):
        before = self.snapshot()
        log = self.import_bytes(self.generic, content)
        self.assertEqual(log.state, "failed")
        self.assertEqual(self.snapshot(), before)
        self.assertIn("nothing from it was imported", log.report)
        for text in expected:
            self.assertIn(text, log.report)
        return log

    def test_missing_columns(self):
        self.assertRejected(
            b"invoice_number,date,amount\nG1,2026-03-01,10\n", "Missing columns", "client_id", "code"
        )

    def test_wrong_delimiter_reads_as_missing_columns(self):
        self.assertRejected((HEADER + "\n" + GOOD + "\n").replace(",", ";").encode(), "Missing columns")

    def test_bad_date_and_amount_rows_listed(self):
        log = self.assertRejected(
            "\n".join(
                [
                    HEADER,
                    GOOD,
                    "G2,31/02/2026,,P-1,A,,,EXAM,,1,10,",
                    "G3,2026-03-01,,P-1,A,,,EXAM,,1,ten,",
                    "G4,2026-03-01,,P-1,A,,,EXAM,,1,1e5,",
                    "G5,2026-03-01,,P-1,A,,,EXAM,,x,10,",
                    "G6,2026-03-01,,,A,,,EXAM,,1,10,",
                    "G7,2026-03-01",
                ]
            ).encode(),
            "Row 3: Cannot read the date",
            "Row 4: Cannot read the amount 'ten'",
            "Row 5:",
            "Row 6: Cannot read the quantity",
            "Row 7: The client id is empty",
            "Row 8:",
        )
        self.assertNotIn("Row 2:", log.report)

    def test_wrong_encoding(self):
        # cp1252 text read as utf-8 (the Generic preset), with the bad byte far after the header.
        rows = [GOOD] * 3000 + ["G9,2026-03-01,,P-1,Zo\xeb,,,EXAM,,1,10,"]
        self.assertRejected("\n".join([HEADER, *rows]).encode("cp1252"), "not valid utf-8")

    def test_no_rows(self):
        self.assertRejected((HEADER + "\n\n").encode(), "no invoice lines")

    def test_empty_file(self):
        self.assertRejected(b"", "empty")
        self.assertRejected(b"  \n\n", "empty")

    def test_binary_file(self):
        self.assertRejected(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10, "binary")
        self.assertRejected(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "workbook cannot be read")

    def test_nul_after_the_sniffed_head(self):
        self.assertRejected(
            "\n".join([HEADER] + [GOOD] * 200).encode() + b"\nG2,2026-03-01,,P\x00,A,,,EXAM,,1,10,",
            "control characters",
        )

    def test_unclosed_quote(self):
        self.assertRejected((HEADER + "\n" + GOOD + '\nG2,2026-03-01,,P-1,"A,,,EXAM,,1,10,\n').encode())

    def test_one_bad_row_among_many_leaves_nothing(self):
        from ..models import pms_import

        self.patch(pms_import, "BATCH_ROWS", 10)
        rows = [f"G{i},2026-03-01,,P-{i},A,,,NEW{i},,1,10," for i in range(50)] + [
            "G99,2026-03-01,,P,A,,,X,,1,,"
        ]
        self.assertRejected("\n".join([HEADER, *rows]).encode(), "Row 52: Cannot read the amount")

    def test_errors_listed_are_capped(self):
        rows = ["G1,yesterday,,P-1,A,,,EXAM,,1,10,"] * 500
        log = self.assertRejected("\n".join([HEADER, *rows]).encode(), "and 400 more problems")
        self.assertLess(len(log.report), 20000)

    def test_failure_during_staging_rolls_back(self):
        """Even an unexpected failure after validation leaves nothing staged."""
        before = self.snapshot()
        Import = self.registry["clinic.loyalty.pms.import"]

        def boom(self, *args, **kwargs):
            raise RuntimeError("disk on fire")

        self.patch(Import, "_stage_batch", boom)
        with self.assertRaises(RuntimeError):
            self.import_bytes(self.generic, (HEADER + "\n" + GOOD + "\n").encode())
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(self.env["clinic.loyalty.pms.import"].search([("profile_id", "=", self.generic.id)]))

    def test_profile_format_is_checked(self):
        from odoo.exceptions import ValidationError

        with self.assertRaisesRegex(ValidationError, "delimiter must be a single character"):
            self.generic.delimiter = ";;"
        with self.assertRaisesRegex(ValidationError, "Unknown encoding klingon-8"):
            self.generic.encoding = "klingon-8"
        with self.assertRaisesRegex(ValidationError, "date formats need strftime codes"):
            self.generic.date_format = "dd/mm/yyyy"

    def test_file_changed_between_the_two_passes(self):
        good = (HEADER + "\n" + GOOD + "\n").encode()
        longer = (HEADER + "\n" + GOOD + "\n" + GOOD.replace("G1", "G2") + "\n").encode()
        Growing.seeks = 0

        before = self.snapshot()
        log = self.env["clinic.loyalty.pms.import"]._import_file(
            self.generic, Growing(good, longer), "growing.csv"
        )
        self.assertEqual(log.state, "failed")
        self.assertIn("changed while it was being imported", log.report)
        self.assertEqual(self.snapshot(), before)

    def test_client_file_columns_need_the_client_id(self):
        from odoo.exceptions import ValidationError

        with self.assertRaisesRegex(ValidationError, "Name the client id column of the client file"):
            self.generic.client_col_email = "email"
