"""Opening a PMS export as a table: the text view of a CSV (encoding and
delimiter detected when the profile leaves them empty) or the sheet of an
Excel workbook, positioned after its header row, and its records one by one.

Pure Python, no ORM; every problem is a :class:`PmsImportError`.
"""

import codecs
import csv
import io

from odoo.tools.translate import LazyTranslate

from .pms_errors import PmsImportError
from .pms_sniff import SNIFF_CHARS, UTF16_BOMS, detect_delimiter, detect_encoding, find_header
from .pms_workbook import open_sheet, workbook_kind

_ = LazyTranslate(__name__, default_lang="en_US")

SNIFF_BYTES = 8192


def open_text(fileobj, fmt, head=None):
    """Text view of a binary file object (encoding detected when the profile
    leaves it empty); refuses binary content up front. ``head``: the first
    SNIFF_BYTES when the caller has read them already."""
    if head is None:
        head = fileobj.read(SNIFF_BYTES)
        fileobj.seek(0)
    if not head.strip():
        raise PmsImportError([(0, _("The file is empty."))])
    encoding = fmt.encoding or detect_encoding(fileobj)
    if b"\x00" in head and not (encoding.startswith("utf-16") and head.startswith(UTF16_BOMS)):
        raise PmsImportError([(0, _("This is a binary file, not a CSV export."))])
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    return io.TextIOWrapper(fileobj, encoding=encoding, errors="strict", newline=""), encoding


def open_table(fileobj, fmt, wanted):
    """(text, csv reader positioned after the header, header names, header
    row number, encoding). Lines before the header (title, date range) are
    passed over; the delimiter is detected when the profile leaves it empty.
    An Excel workbook is read by ``pms_workbook`` (its sheet rows as text)."""
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    kind = workbook_kind(head)
    if kind:
        return open_workbook(fileobj, kind, fmt, wanted)
    text, encoding = open_text(fileobj, fmt, head)
    delimiter = fmt.delimiter
    if not delimiter:
        head = fileobj.read(SNIFF_CHARS * 2).decode(encoding, errors="replace")
        fileobj.seek(0)
        delimiter = detect_delimiter(head, wanted, fmt.header_rows) or ","
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    try:
        header_row, names = find_header(reader, wanted, fmt.header_rows)
    except (csv.Error, UnicodeError) as e:
        text.detach()
        raise PmsImportError([(reader.line_num or 1, _describe(e, encoding))]) from None
    if not names:
        text.detach()
        raise PmsImportError([(0, _("The file has no header row."))])
    if not header_row:
        text.detach()
        raise _no_header(fmt, wanted, names, workbook=False)
    return text, reader, names, header_row, encoding


def open_workbook(fileobj, kind, fmt, wanted):
    """(book, reader after the header, header names, header row, sheet) of a workbook."""
    book, reader, names, header_row, sheet = open_sheet(fileobj, kind, fmt, wanted, find_header)
    if not header_row:
        raise _no_header(fmt, wanted, names, workbook=True)
    return book, reader, names, header_row, sheet


def table_records(reader, row_no, encoding, errors):
    """Yield (row number, record) for each CSV record after the header at
    ``row_no``; a malformed record or undecodable text rejects the file."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeError) as e:
            errors.fail((row_no + 1, _describe(e, encoding)))
        row_no += 1
        yield row_no, record


def _describe(error, encoding):
    if isinstance(error, UnicodeError):
        return _(
            "The file is not valid %(encoding)s text: choose the right encoding on the profile.",
            encoding=encoding,
        )
    return _("Malformed CSV (%(error)s).", error=str(error)[:120])


def _no_header(fmt, wanted, names, workbook):
    """The error of a file (or workbook) with no header row in reach."""
    missing = ", ".join(sorted(wanted - set(names)))
    found = ", ".join(n[:40] for n in names[:30])
    if workbook:
        message = _(
            "No sheet of the workbook has a header row in its first %(count)s rows. Missing "
            "columns: %(missing)s. The first row has: %(found)s. Check the sheet name and the "
            "column mapping of the profile.",
            count=fmt.header_rows,
            missing=missing,
            found=found,
        )
    else:
        message = _(
            "No header row found in the first %(count)s rows. Missing columns: %(missing)s. The "
            "first row has: %(found)s. Check the delimiter and the column mapping of the "
            "profile.",
            count=fmt.header_rows,
            missing=missing,
            found=found,
        )
    return PmsImportError([(0, message)])
