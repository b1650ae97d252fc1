import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.pms_clients import read_clients
from ..tools.pms_parser import Format, PmsImportError, RowRules, parse_amount, validate

COLUMNS = {
    "invoice": "inv",
    "date": "date",
    "status": "status",
    "client_ref": "client",
    "client_name": "name",
    "phone": "phone",
    "email": "email",
    "code": "code",
    "description": "desc",
    "quantity": "qty",
    "amount": "amount",
    "patient": "patient",
}
HEADER = ",".join(COLUMNS.values())
FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def fmt(**kw):
    return Format(COLUMNS, date_format="%Y-%m-%d", **kw)


RULES = RowRules(
    skip_markers="total",
    summary_types="I",
    payment_types="P",
    discount_codes="DISC",
    void_flags="voided",
    posted_flags="posted",
    true_words="true,1,d",
)
CLIENTS = {"ref": "id", "name": "first,last", "phone": "area,phone", "email": "email"}


def run_detecting(content):
    """Everything detected, every filter on; only PmsImportError may escape."""
    try:
        return validate(
            io.BytesIO(content),
            Format(
                {**COLUMNS, "row_type": "type", "discount": "disc", "tax": "tax"},
                delimiter="",
                encoding="",
                date_format="%m/%d/%Y;iso",
                rules=RULES,
                amount_before_discount=True,
                amount_includes_tax=True,
            ),
        )
    except PmsImportError as e:
        assert e.args[0].startswith("The file was rejected"), e.args[0]
        return None


def run(content, **kw):
    """Validate then read every row: the only exception allowed is PmsImportError."""
    try:
        return validate(io.BytesIO(content), fmt(**kw))
    except PmsImportError as e:
        assert e.args[0].startswith("The file was rejected"), e.args[0]
        return None


cell = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@tagged("post_install", "-at_install")
class TestParserProperties(BaseCase):
    """Property-based: whatever the bytes, the parser returns a row count or
    raises a clear PmsImportError, never anything else."""

    @FUZZ
    @given(st.binary(max_size=2000))
    def test_any_bytes(self, content):
        run(content)

    @FUZZ
    @given(st.binary(max_size=500), st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16"]))
    def test_any_bytes_after_a_valid_header(self, tail, encoding):
        run(HEADER.encode() + b"\n" + tail, encoding=encoding)

    @FUZZ
    @given(
        st.lists(st.lists(cell, min_size=0, max_size=14), max_size=20),
        st.sampled_from([",", ";", "\t"]),
        st.sampled_from([".", ","]),
    )
    def test_any_table(self, rows, delimiter, decimal):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(COLUMNS.values())
        writer.writerows(rows)
        run(out.getvalue().encode("utf-8", "surrogatepass"), delimiter=delimiter, decimal=decimal)

    @FUZZ
    @given(
        st.lists(
            st.tuples(
                st.text(alphabet="ABC123-", min_size=1, max_size=8),
                st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
                st.text(alphabet="XYZ789", min_size=1, max_size=6),
                st.decimals(
                    min_value=-99999, max_value=99999, places=2, allow_nan=False, allow_infinity=False
                ),
            ),
            min_size=1,
            max_size=30,
        )
    )
    def test_valid_rows_all_counted(self, rows):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS.values())
        for inv, day, client, amount in rows:
            writer.writerow([inv, day.isoformat(), "", client, "", "", "", "EXAM", "", "1", str(amount), ""])
        self.assertEqual(run(out.getvalue().encode()), len(rows))

    @FUZZ
    @given(st.binary(max_size=2000))
    def test_any_bytes_detecting_everything(self, content):
        run_detecting(content)

    @FUZZ
    @given(
        st.lists(cell, max_size=3),
        st.lists(st.lists(cell, min_size=0, max_size=20), max_size=15),
        st.sampled_from([",", ";", "\t", "|"]),
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    )
    def test_any_table_after_title_lines_detecting_everything(self, title, rows, delimiter, encoding):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(title)
        header = [*COLUMNS.values(), "type", "disc", "tax", "voided", "posted"]
        writer.writerow(header)
        writer.writerows(rows)
        run_detecting(out.getvalue().encode(encoding, "replace"))

    @FUZZ
    @given(st.binary(max_size=1500), st.booleans())
    def test_client_file_any_bytes(self, tail, with_header):
        content = (b"id,first,last,area,phone,email\n" if with_header else b"") + tail
        try:
            clients = read_clients(
                io.BytesIO(content), Format(COLUMNS, delimiter="", encoding="", client_columns=CLIENTS)
            )
        except PmsImportError as e:
            assert e.args[0].startswith("The file was rejected"), e.args[0]
        else:
            assert all(len(v) == 3 for v in clients.values())

    @FUZZ
    @given(st.decimals(min_value=-(10**8), max_value=10**8, places=2, allow_nan=False, allow_infinity=False))
    def test_amount_round_trip(self, amount):
        self.assertEqual(parse_amount(f"{amount:,.2f}", "."), amount)
        european = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        self.assertEqual(parse_amount(european, ","), amount)

    def test_amount_forms(self):
        self.assertEqual(parse_amount("(12.50)", "."), Decimal("-12.50"))
        self.assertEqual(parse_amount("$1,234.5", "."), Decimal("1234.50"))
        self.assertEqual(parse_amount("12.50-", "."), Decimal("-12.50"))
        for bad in ("", "nan", "inf", "1e5", "1.2.3", "--1", "9" * 20):
            self.assertIsNone(parse_amount(bad, "."), bad)
