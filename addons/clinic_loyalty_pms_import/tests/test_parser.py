import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.pms_parser import Format, PmsImportError, parse_amount, validate

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
