"""Reading an Excel report (.xlsx, .xls) as rows of text, like a CSV.

Clinics often hand over a report printed to Excel rather than a CSV: title
rows, a date-range line, merged header cells, subtotal and total rows,
numbers stored as numbers or as text, dates as Excel dates. The workbook is
recognised by its content (a zip for .xlsx, an OLE2 container for .xls),
whatever its name, and each sheet row becomes a list of strings, so the
profile's settings (header found by its column names, skip markers, row
types, flags, amounts, dates) apply as to a CSV line:

- .xlsx through ``openpyxl`` in read-only mode (rows are streamed from the
  zip; the sheet is never loaded whole, memory stays flat);
- .xls through ``xlrd`` (an .xls holds at most 65,536 rows per sheet);
- a number cell is written as a plain number with the profile's decimal
  separator, a date cell in the profile's first date format, a merged cell
  keeps its value in its first cell (the others are empty);
- the sheet is the one the profile names, else the first whose first rows
  hold the header.

Any failure of the libraries on a damaged or hostile file becomes a
:class:`PmsImportError` (the property-based tests hold it to that). Pure
Python, no ORM.
"""

import datetime
import logging
import math
import zipfile

from odoo.tools.translate import LazyTranslate

from .pms_errors import PmsImportError

_logger = logging.getLogger(__name__)

_ = LazyTranslate(__name__, default_lang="en_US")

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_COLUMNS = 1000  # a report is a few dozen columns; a hostile sheet may claim 16,384


def workbook_kind(head):
    """'xlsx', 'xls' or None from the first bytes of a file."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    return None


def _unreadable(error=None):
    detail = f" ({str(error)[:120]})" if error else ""
    return PmsImportError(
        [(0, _("The workbook cannot be read%(detail)s: save it again from Excel as .xlsx.", detail=detail))]
    )


def cell_text(value, fmt):
    """The text of one cell value as a CSV export would write it."""
    if value is None:
        return ""
    if isinstance(value, str):  # a header may wrap ("Invoice\nNumber")
        return value if value.isprintable() else " ".join(value.split())
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime | datetime.date):
        first = next((f for f in fmt.date_formats if "%" in f), None)
        try:
            return value.strftime(first) if first else value.isoformat()
        except ValueError:  # a year strftime cannot write
            return value.isoformat()
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.4f}".rstrip("0").rstrip(".")  # 30.000000000000004 -> 30
        else:
            text = str(int(value))
        return text.replace(".", ",") if fmt.decimal == "," else text
    return str(value)


class SheetRows:
    """A csv.reader look-alike over the rows of one sheet: lists of strings,
    ``line_num`` the sheet row number of the last row read."""

    def __init__(self, rows, fmt):
        self._rows = rows
        self._fmt = fmt
        self.line_num = 0

    def __iter__(self):
        return self

    def __next__(self):
        try:
            values = next(self._rows)
        except StopIteration:
            raise
        except Exception as e:  # noqa: BLE001 - a damaged workbook must not crash the import
            raise _unreadable(e) from None
        self.line_num += 1
        return [cell_text(v, self._fmt) for v in values[:MAX_COLUMNS]]


class Workbook:
    """An open workbook; ``detach()`` closes it (the name a text wrapper of a
    CSV has, so the parser closes both alike)."""

    def __init__(self, fileobj, kind):
        self.kind = kind
        self.fileobj = fileobj
        try:
            if kind == "xlsx":
                import openpyxl  # noqa: PLC0415 - only when a workbook comes

                self.book = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
                self.names = list(self.book.sheetnames)
            else:
                import xlrd  # noqa: PLC0415

                self.book = xlrd.open_workbook(file_contents=fileobj.read(), on_demand=True)
                self.names = list(self.book.sheet_names())
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as e:
            raise _unreadable(e) from None
        except Exception as e:  # noqa: BLE001 - xlrd/openpyxl raise many kinds on a bad file
            raise _unreadable(e) from None

    def rows(self, name):
        """A fresh iterator of the raw cell values of the sheet ``name``."""
        try:
            if self.kind == "xlsx":
                sheet = self.book[name]
                if hasattr(sheet, "reset_dimensions"):
                    sheet.reset_dimensions()  # a report's stored dimension may be wrong
                return iter(sheet.iter_rows(values_only=True))
            return self._xls_rows(self.book.sheet_by_name(name))
        except Exception as e:  # noqa: BLE001
            raise _unreadable(e) from None

    def _xls_rows(self, sheet):
        import xlrd  # noqa: PLC0415

        for r in range(sheet.nrows):
            values = []
            for cell in sheet.row(r)[:MAX_COLUMNS]:
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate_as_datetime(cell.value, self.book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        values.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    values.append("#ERROR")
                else:
                    values.append(cell.value)
            yield values

    def detach(self):
        try:
            if self.kind == "xlsx":
                self.book.close()
            else:
                self.book.release_resources()
        except Exception:  # noqa: BLE001 - closing never hides the real error
            _logger.debug("Closing the workbook failed", exc_info=True)
        self.fileobj.seek(0)


def open_sheet(fileobj, kind, fmt, wanted, find_header):
    """(workbook, SheetRows positioned after the header, header names, header
    row number, sheet name) of the profile's sheet, else the first sheet whose
    first rows hold every ``wanted`` name. Raises :class:`PmsImportError`."""
    book = Workbook(fileobj, kind)
    try:
        if fmt.sheet_name:
            sheets = [n for n in book.names if n.strip().lower() == fmt.sheet_name.strip().lower()]
            if not sheets:
                raise PmsImportError(
                    [
                        (
                            0,
                            _(
                                "The workbook has no sheet %(sheet)s (it has: %(sheets)s): correct the "
                                "sheet name on the profile.",
                                sheet=fmt.sheet_name,
                                sheets=", ".join(book.names)[:200],
                            ),
                        )
                    ]
                )
        else:
            sheets = book.names
        first_names = []
        for name in sheets:
            reader = SheetRows(book.rows(name), fmt)
            header_row, names = find_header(reader, wanted, fmt.header_rows)
            if header_row:
                return book, reader, names, header_row, name
            first_names = first_names or names
    except BaseException:
        book.detach()
        raise
    book.detach()
    return None, None, first_names, 0, None


def spool_rows(book, sheet, fmt, spool):
    """Write the rows of ``sheet`` into ``spool`` (a binary temporary file) as
    a UTF-8, comma-delimited CSV, row for row (row numbers stay the sheet's)."""
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    try:
        csv.writer(text).writerows(SheetRows(book.rows(sheet), fmt))
        text.flush()
    finally:
        text.detach()
    spool.seek(0)
