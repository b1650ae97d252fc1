import datetime
import io
import random
import tempfile

import openpyxl
import xlwt
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.pms_parser import Format, PmsImportError, RowRules, spool_workbook, validate
from .test_parser import COLUMNS, RULES

FUZZ = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12)
value = st.one_of(
    st.none(),
    text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 1, 1)),
)
HEADER = [*COLUMNS.values(), "type", "voided", "posted"]


def _validate(content, spooled, options):
    fmt = Format({**COLUMNS, "row_type": "type"}, **options)
    try:
        if not spooled:
            return validate(io.BytesIO(content), fmt)
        with tempfile.TemporaryFile() as spool:
            fileobj, fmt = spool_workbook(io.BytesIO(content), fmt, spool)
            return validate(fileobj, fmt)
    except PmsImportError as e:
        assert e.args[0].startswith("The file was rejected"), e.args[0]
        return None


def run(content, **kw):
    """Validate a workbook read directly and spooled as CSV (as the import
    does): a row count, or a clear PmsImportError, nothing else; the same
    count both ways."""
    options = {"date_format": "%m/%d/%Y;iso", "rules": RULES, **kw}
    count = _validate(content, False, options)
    assert _validate(content, True, options) == count
    return count


def xlsx(rows, title=True):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Report")
    if title:
        sheet.append(["Invoice line report"])
        sheet.append(["From 03/01/2026 to 03/31/2026"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(rows):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Report")
    dates = xlwt.easyxf(num_format_str="MM/DD/YYYY")
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, datetime.datetime):
                sheet.write(r, c, cell, dates)
            elif cell is not None:
                sheet.write(r, c, cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def mutate(content, seed, count):
    """``content`` with ``count`` random bytes changed, or cut short."""
    rnd = random.Random(seed)
    data = bytearray(content)
    if count == 0:
        return bytes(data[: rnd.randrange(8, len(data))])
    for _i in range(count):
        data[rnd.randrange(8, len(data))] = rnd.randrange(256)
    return bytes(data)


GOOD = [
    [
        "G1",
        datetime.datetime(2026, 3, 14),
        "",
        "P-1",
        "Alice",
        "",
        "",
        "EXAM",
        "Exam",
        1,
        12.5,
        "",
        "S",
        "",
        1,
    ]
]


@tagged("post_install", "-at_install")
class TestWorkbookProperties(BaseCase):
    """Property-based: whatever a workbook holds, and however damaged it is,
    the parser returns a row count or raises a clear PmsImportError."""

    @FUZZ
    @given(st.lists(st.lists(value, max_size=16), max_size=15), st.booleans(), st.sampled_from([".", ","]))
    def test_any_xlsx_table(self, rows, title, decimal):
        run(xlsx(rows, title), decimal=decimal)

    @FUZZ
    @given(st.lists(st.lists(value, max_size=16), max_size=15))
    def test_any_xls_table(self, rows):
        try:
            content = xls(rows)
        except (ValueError, OverflowError, TypeError):  # xlwt cannot write it: nothing to read
            assume(False)
        run(content)

    @FUZZ
    @given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=20))
    def test_damaged_xlsx(self, seed, count):
        run(mutate(xlsx(GOOD), seed, count))

    @FUZZ
    @given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=20))
    def test_damaged_xls(self, seed, count):
        run(mutate(xls(GOOD), seed, count))

    @FUZZ
    @given(st.binary(max_size=1500), st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]))
    def test_any_bytes_after_a_workbook_signature(self, tail, magic):
        run(magic + tail)

    @FUZZ
    @given(st.lists(st.lists(value, max_size=16), max_size=15))
    def test_any_xlsx_table_grouped_by_summary(self, rows):
        run(xlsx(rows), group_by_summary=True)

    def test_valid_workbooks_are_counted(self):
        rows = GOOD + [["Total", None, None, None, None, None, None, None, None, None, 12.5]]
        self.assertEqual(run(xlsx(rows)), 1)
        self.assertEqual(run(xls(rows)), 1)

    def test_missing_sheet_is_named(self):
        with self.assertRaisesRegex(PmsImportError, "no sheet Lines .*Report"):
            validate(
                io.BytesIO(xlsx(GOOD)),
                Format({**COLUMNS, "row_type": "type"}, rules=RowRules(), sheet_name="Lines"),
            )
