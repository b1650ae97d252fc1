"""Streaming parser of PMS invoice-line exports (CSV).

Pure Python, no ORM: :func:`iter_rows` reads a binary file object through a
text wrapper and a ``csv.reader``, one row at a time, so memory stays flat
whatever the size of the file, and yields each valid line as a
:class:`~.pms_columns.PmsRow` (the columns are listed once, in
``pms_columns``). Every problem is reported as a
:class:`PmsImportError` (a ``UserError``) with the row numbers and reasons;
nothing else may escape (the property-based tests hold it to that).
"""

import codecs
import csv
import io
from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from .pms_cells import parse_amount, parse_date, parse_text
from .pms_columns import COLUMNS, PmsRow
from .pms_errors import ErrorLog, PmsImportError

# Messages are lazy: the importer renders them in the user's language
# (``format_report(..., env)``); without an environment they read in English.
_ = LazyTranslate(__name__, default_lang="en_US")

SNIFF_BYTES = 8192
__all__ = ["ErrorLog", "Format", "PmsImportError", "iter_rows", "parse_amount", "validate"]


class Format:
    """How to read one PMS's export (built from a profile's settings)."""

    def __init__(
        self,
        columns,
        delimiter=",",
        encoding="utf-8",
        date_format="%m/%d/%Y",
        decimal=".",
        void_statuses="",
        open_statuses="",
    ):
        self.columns = {c.name: (columns.get(c.name) or "").strip().lower() for c in COLUMNS}
        self.delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
        self.encoding = encoding or "utf-8"
        self.date_format = date_format
        self.decimal = decimal
        self.void_statuses = _status_set(void_statuses)
        self.open_statuses = _status_set(open_statuses)

    def check(self):
        problems = []
        if len(self.delimiter or "") != 1 or self.delimiter in '\r\n"':
            problems.append(_("The delimiter must be a single character (use \\t for a tab)."))
        if self.decimal not in (".", ","):
            problems.append(_("The decimal separator must be '.' or ','."))
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            problems.append(_("Unknown encoding %(encoding)s.", encoding=self.encoding))
        if not self.date_format or "%" not in self.date_format:
            problems.append(
                _("The date format needs strftime codes such as %(example)s.", example="%m/%d/%Y")
            )
        missing = [c.name for c in COLUMNS if c.required and not self.columns[c.name]]
        if missing:
            problems.append(_("The profile maps no column for: %(fields)s.", fields=", ".join(missing)))
        if problems:
            raise PmsImportError([(0, p) for p in problems])


def _status_set(text):
    return {s.strip().lower() for s in (text or "").split(",") if s.strip()}


def open_text(fileobj, fmt):
    """Text view of a binary file object; refuses binary content up front."""
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    if not head.strip():
        raise PmsImportError([(0, _("The file is empty."))])
    if b"\x00" in head:
        raise PmsImportError([(0, _("This is a binary file, not a CSV export."))])
    encoding = fmt.encoding
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    return io.TextIOWrapper(fileobj, encoding=encoding, errors="strict", newline="")


def iter_rows(fileobj, fmt, errors):
    """Yield a :class:`PmsRow` for every valid data row; append (row,
    reason) to ``errors`` for the others. Raises :class:`PmsImportError`
    when reading cannot go on (header, encoding, malformed CSV). Row numbers
    count physical CSV records, header = 1."""
    fmt.check()
    text = open_text(fileobj, fmt)
    try:
        reader = csv.reader(text, delimiter=fmt.delimiter, strict=True)
        row_no = 1
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeError) as e:
            raise PmsImportError([(1, _describe(e, fmt))]) from None
        if not header:
            raise PmsImportError([(0, _("The file has no header row."))])
        names = [h.strip().lstrip("\ufeff").lower() for h in header]
        index, missing = {}, []
        for column in COLUMNS:
            header = fmt.columns[column.name]
            if not header:
                continue
            if header in names:
                index[column] = names.index(header)
            else:
                missing.append(header)
        if missing:
            raise PmsImportError(
                [
                    (
                        1,
                        _(
                            "Missing columns: %(missing)s. The file has: %(found)s. Check the delimiter "
                            "and the column mapping of the profile.",
                            missing=", ".join(missing),
                            found=", ".join(n[:40] for n in names[:30]),
                        ),
                    )
                ]
            )
        width = max(index.values()) + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeError) as e:
                errors.fail((row_no + 1, _describe(e, fmt)))
            row_no += 1
            if not any(c.strip() for c in record):
                continue
            if len(record) < width:
                errors.append(
                    (
                        row_no,
                        _(
                            "%(found)s fields where %(expected)s are needed.",
                            found=len(record),
                            expected=width,
                        ),
                    )
                )
                continue
            parsed = _parse_record(record, index, fmt, row_no, errors)
            if parsed:
                yield parsed
    finally:
        text.detach()


def _describe(error, fmt):
    if isinstance(error, UnicodeError):
        return _(
            "The file is not valid %(encoding)s text: choose the right encoding on the profile.",
            encoding=fmt.encoding,
        )
    return _("Malformed CSV (%(error)s).", error=str(error)[:120])


def _parse_record(record, index, fmt, row, errors):
    before = len(errors)
    values = dict.fromkeys(PmsRow._fields[1:], "")
    values.update(
        (c.name, parse_text(record[i], row, fmt.columns[c.name], errors)[: c.size]) for c, i in index.items()
    )
    invoice = values["invoice"]
    if not invoice:
        errors.append((row, _("The invoice number is empty.")))
    if not values["client_ref"]:
        errors.append((row, _("The client id is empty.")))
    if not values["code"]:
        errors.append((row, _("The billing code is empty.")))
    date = parse_date(values["date"], fmt.date_format)
    if date is None:
        errors.append(
            (
                row,
                _(
                    "Cannot read the date %(value)r with the format %(format)s.",
                    value=values["date"][:40],
                    format=fmt.date_format,
                ),
            )
        )
    amount = parse_amount(values["amount"], fmt.decimal)
    if amount is None:
        errors.append((row, _("Cannot read the amount %(value)r.", value=values["amount"][:40])))
    quantity = Decimal(1)
    if values["quantity"]:
        quantity = parse_amount(values["quantity"], fmt.decimal)
        if quantity is None:
            errors.append((row, _("Cannot read the quantity %(value)r.", value=values["quantity"][:40])))
    if len(errors) > before:
        return None
    status = values["status"].lower()
    state = "void" if status in fmt.void_statuses else "open" if status in fmt.open_statuses else "paid"
    values.update(date=date, status=state, email=values["email"].lower(), quantity=quantity, amount=amount)
    return PmsRow(row_number=row, **values)


def validate(fileobj, fmt):
    """First pass: read the whole file; raise :class:`PmsImportError` with
    every problem (up to MAX_ERRORS listed), else return the number of rows."""
    errors, count = ErrorLog(), 0
    for _row in iter_rows(fileobj, fmt, errors):
        count += 1
    fileobj.seek(0)
    if errors:
        errors.fail()
    if not count:
        raise PmsImportError([(0, _("The file has a header but no invoice lines."))])
    return count
