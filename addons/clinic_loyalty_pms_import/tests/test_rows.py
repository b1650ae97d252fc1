import io
from datetime import date
from decimal import Decimal

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.pms_cells import date_formats, parse_date
from ..tools.pms_pairs import pair_files
from ..tools.pms_parser import ErrorLog, Format, PmsImportError, RowRules, iter_rows
from ..tools.pms_sniff import detect_encoding

COLUMNS = {
    "invoice": "inv",
    "date": "date",
    "client_ref": "client",
    "code": "code",
    "quantity": "qty",
    "amount": "amount",
}


def read(content, columns=None, **kw):
    """(rows, skipped [(row, reason)], errors) of ``content`` (bytes)."""
    kw.setdefault("date_format", "%Y-%m-%d")
    fmt = Format({**COLUMNS, **(columns or {})}, **kw)
    skipped, errors = [], ErrorLog()
    rows = list(
        iter_rows(io.BytesIO(content), fmt, errors, skipped=lambda r, why, _v: skipped.append((r, why)))
    )
    return rows, skipped, [(r, str(why)) for r, why in errors.items]


@tagged("post_install", "-at_install")
class TestRows(BaseCase):
    """How the parser reads real exports: header search, detection, row
    filters, flags, amounts and dates (pure Python, no database)."""

    def test_header_found_after_title_lines(self):
        rows, _s, errors = read(
            b"Invoice report\nFrom 2026-03-01 to 2026-03-31,,\n"
            b"inv,date,client,code,qty,amount\nA,2026-03-01,C,EXAM,1,10\n"
        )
        self.assertEqual((errors, [(r.row_number, r.invoice) for r in rows]), ([], [(4, "A")]))

    def test_header_not_found_says_what_is_missing(self):
        with self.assertRaisesRegex(
            PmsImportError, "No header row found in the first 2 rows. Missing columns: amount"
        ):
            read(b"title\nsub\ninv,date,client,code,qty,amount\n", header_rows=2)

    def test_delimiter_and_encoding_detected(self):
        content = "inv|date|client|code|qty|amount\nA|2026-03-01|Zoë|EXAM|1|10\n".encode("cp1252")
        rows, _s, errors = read(content, delimiter="", encoding="")
        self.assertEqual((errors, rows[0].client_ref), ([], "Zoë"))
        self.assertEqual(detect_encoding(io.BytesIO(b"\xef\xbb\xbfa")), "utf-8-sig")
        self.assertEqual(detect_encoding(io.BytesIO("é".encode())), "utf-8")
        self.assertEqual(detect_encoding(io.BytesIO(b"\xe9")), "cp1252")
        for delimiter in (";", "\t"):
            content = f"inv{delimiter}date{delimiter}client{delimiter}code{delimiter}qty{delimiter}amount\n"
            content += delimiter.join(["A", "2026-03-01", "C", "EXAM", "1", "10"]) + "\n"
            rows, _s, errors = read(content.encode("utf-16"), delimiter="", encoding="")
            self.assertEqual((errors, rows[0].amount), ([], Decimal("10.00")), delimiter)

    def test_totals_blank_and_type_filters(self):
        rules = RowRules(
            skip_markers="total",
            summary_types="I",
            payment_types="P",
            charge_types="S,T",
            discount_codes="DISC",
        )
        rows, skipped, errors = read(
            b"inv,date,client,code,qty,amount,type\n"
            b"A,2026-03-01,C,INV,1,30,I\n"
            b"A,2026-03-01,C,EXAM,1,30,S\n"
            b"A,2026-03-01,C,DISC,1,-5,S\n"
            b"A,2026-03-01,C,,,-25,P\n"
            b"A,2026-03-01,C,NOTE,,,X\n"
            b"\n"
            b"Total,,,,,30\n",
            columns={"row_type": "type"},
            rules=rules,
        )
        self.assertEqual(errors, [])
        self.assertEqual(
            [(r.code, r.kind, r.amount) for r in rows], [("EXAM", "charge", 30), ("DISC", "discount", -5)]
        )
        self.assertEqual(skipped, [(2, "summary"), (5, "payment"), (6, "other_type"), (8, "total")])

    def test_status_flags_with_their_true_words(self):
        rules = RowRules(
            void_flags="isVoided,deleted",
            posted_flags="isPosted",
            payment_flags="isPayment",
            true_words="true,1,y,d",
        )
        rows, skipped, _e = read(
            b"inv,date,client,code,qty,amount,isVoided,deleted,isPosted,isPayment\n"
            b"A,2026-03-01,C,EXAM,1,30,False,0,True,False\n"
            b"B,2026-03-01,C,EXAM,1,30,True,0,True,False\n"
            b"C,2026-03-01,C,EXAM,1,30,False,D,True,False\n"
            b"D,2026-03-01,C,EXAM,1,30,False,0,N,False\n"
            b"E,2026-03-01,C,CASH,1,-30,False,0,Y,1\n",
            rules=rules,
        )
        self.assertEqual(
            [(r.invoice, r.status) for r in rows],
            [("A", "paid"), ("B", "void"), ("C", "void"), ("D", "open")],
        )
        self.assertEqual(skipped, [(6, "payment")])
        with self.assertRaisesRegex(PmsImportError, "Missing columns: isvoided"):
            read(b"inv,date,client,code,qty,amount\n", rules=RowRules(void_flags="isVoided"))

    def test_amounts_returns_discount_tax_and_null(self):
        rows, _s, errors = read(
            b"inv,date,client,code,qty,amount,disc,tax\n"
            b"A,2026-03-01,C,EXAM,1,120.00,20.00,9.00\n"
            b"B,2026-03-01,C,EXAM,-1,60.00,NULL,NULL\n"
            b"C,2026-03-01,C,EXAM,-2,-50.00,5.00,0\n",
            columns={"discount": "disc", "tax": "tax"},
            amount_before_discount=True,
            amount_includes_tax=True,
        )
        self.assertEqual(errors, [])
        self.assertEqual([r.amount for r in rows], [Decimal("91.00"), Decimal("-60.00"), Decimal("-45.00")])

    def test_exponent_notation_refused_clearly(self):
        _r, _s, errors = read(
            b"inv,date,client,code,qty,amount\nA,2026-03-01,C,EXAM,1,1.5E+02\nB,2026-03-01,C,EXAM,2e1,10\n"
        )
        self.assertEqual(
            errors,
            [
                (
                    2,
                    "The amount '1.5E+02' is in exponent notation: export the column as a plain number "
                    "(e.g. 1500.00).",
                ),
                (
                    3,
                    "The qty '2e1' is in exponent notation: export the column as a plain number "
                    "(e.g. 1500.00).",
                ),
            ],
        )

    def test_date_formats_iso_and_sql_server(self):
        formats = date_formats("%m/%d/%Y; iso")
        for value in (
            "03/14/2026",
            "03/14/2026 10:30:00 PM",
            "2026-03-14",
            "2026-03-14 10:30:00.000",
            "2026-03-14T10:30:00.1234567+02:00",
            "2026-03-14T23:30:00Z",
        ):
            self.assertEqual(parse_date(value, formats), date(2026, 3, 14), value)
        self.assertIsNone(parse_date("14.03.2026", formats))
        self.assertIsNone(parse_date("2026-03-14", date_formats("%m/%d/%Y")))

    def test_drop_folder_pairs(self):
        names = ["clients-0314.csv", "transactions-0314.csv", "transactions-0315.csv", "notes.txt"]
        self.assertEqual(
            pair_files(names, "transactions-*.csv", "clients-*.csv"),
            ([("transactions-0314.csv", "clients-0314.csv")], ["transactions-0315.csv"]),
        )
        self.assertEqual(pair_files(names, "*.csv", ""), ([(n, None) for n in names[:3]], []))
