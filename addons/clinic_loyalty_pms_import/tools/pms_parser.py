"""Streaming parser of PMS invoice-line exports (CSV; Excel through pms_workbook).

Pure Python, no ORM: :func:`iter_rows` reads a binary file object through a
text wrapper and a ``csv.reader``, one row at a time, so memory stays flat
whatever the size of the file, and yields each valid line as a
:class:`~.pms_columns.PmsRow` (the columns are listed once, in
``pms_columns``). Every problem is reported as a
:class:`PmsImportError` (a ``UserError``) with the row numbers and reasons;
nothing else may escape (the property-based tests hold it to that).
"""

import codecs
import copy

from odoo.tools.translate import LazyTranslate

from .pms_cells import ISO, date_formats, parse_amount
from .pms_columns import COLUMNS
from .pms_errors import ErrorLog, PmsImportError
from .pms_record import parse_record
from .pms_rows import RowRules
from .pms_summary import SummaryIndex
from .pms_table import open_table, open_workbook, table_records
from .pms_workbook import spool_rows, workbook_kind

# Messages are lazy: the importer renders them in the user's language
# (``format_report(..., env)``); without an environment they read in English.
_ = LazyTranslate(__name__, default_lang="en_US")

__all__ = ["ErrorLog", "Format", "PmsImportError", "RowRules", "iter_rows", "parse_amount", "validate"]


class Format:
    """How to read one PMS's export (built from a profile's settings).

    An empty ``delimiter`` or ``encoding`` is detected (``pms_sniff``);
    ``date_format`` lists formats separated by ';' (``iso`` = ISO 8601);
    ``rules`` are the row filters and status flags (``pms_rows``);
    ``client_columns`` maps ref/name/phone/email to headers of a client file
    (name and phone may list several headers, joined)."""

    def __init__(
        self,
        columns,
        delimiter=",",
        encoding="utf-8",
        date_format="%m/%d/%Y",
        decimal=".",
        void_statuses="",
        open_statuses="",
        rules=None,
        amount_before_discount=False,
        amount_includes_tax=False,
        header_rows=20,
        client_columns=None,
        sheet_name="",
        group_by_summary=False,
    ):
        self.columns = {c.name: (columns.get(c.name) or "").strip().lower() for c in COLUMNS}
        self.delimiter = "\t" if delimiter in ("\\t", "tab") else (delimiter or "")
        self.encoding = (encoding or "").strip()
        self.date_format = date_format
        self.date_formats = date_formats(date_format)
        self.decimal = decimal
        self.void_statuses = _status_set(void_statuses)
        self.open_statuses = _status_set(open_statuses)
        self.rules = rules or RowRules()
        self.amount_before_discount = amount_before_discount
        self.amount_includes_tax = amount_includes_tax
        self.header_rows = max(header_rows or 1, 1)
        self.sheet_name = (sheet_name or "").strip()
        self.group_by_summary = group_by_summary
        self.client_columns = {
            key: [h.strip().lower() for h in (value or "").split(",") if h.strip()]
            for key, value in (client_columns or {}).items()
        }

    def spooled(self):
        """This format for the CSV a workbook is spooled into (spool_workbook)."""
        spooled = copy.copy(self)
        spooled.delimiter, spooled.encoding = ",", "utf-8"
        return spooled

    def check(self):
        problems = []
        if self.delimiter and (len(self.delimiter) != 1 or self.delimiter in '\r\n"'):
            problems.append(_("The delimiter must be a single character (use \\t for a tab)."))
        if self.decimal not in (".", ","):
            problems.append(_("The decimal separator must be '.' or ','."))
        try:
            if self.encoding:
                codecs.lookup(self.encoding)
        except LookupError:
            problems.append(_("Unknown encoding %(encoding)s.", encoding=self.encoding))
        if not self.date_formats or any(f != ISO and "%" not in f for f in self.date_formats):
            problems.append(
                _(
                    "The date formats need strftime codes such as %(example)s, separated by ';' (iso for "
                    "ISO 8601).",
                    example="%m/%d/%Y",
                )
            )
        missing = [c.name for c in COLUMNS if c.required and not self.columns[c.name]]
        if missing:
            problems.append(_("The profile maps no column for: %(fields)s.", fields=", ".join(missing)))
        if self.group_by_summary and not self.rules.summary_types:
            problems.append(_("Grouping by invoice summary record needs the summary row types (e.g. I)."))
        if self.client_columns and not self.client_columns.get("ref"):
            problems.append(_("Name the client id column of the client file."))
        if problems:
            raise PmsImportError([(0, p) for p in problems])


def _status_set(text):
    return {s.strip().lower() for s in (text or "").split(",") if s.strip()}


def spool_workbook(fileobj, fmt, spool):
    """(file object, format) the import reads: ``fileobj`` and ``fmt`` as
    they are for a CSV; for a workbook, its sheet parsed once into ``spool``
    (a binary temporary file) as UTF-8 CSV and the format reading it. The
    import reads its file two or three times (validation, summary grouping,
    staging): the workbook is parsed once, streamed, and the other passes read
    the spooled text at CSV speed, with the same row numbers."""
    kind = workbook_kind(fileobj.read(8))
    fileobj.seek(0)
    if not kind:
        return fileobj, fmt
    fmt.check()
    wanted = {h for h in fmt.columns.values() if h} | fmt.rules.flag_columns()
    book, _reader, _names, _header_row, sheet = open_workbook(fileobj, kind, fmt, wanted)
    try:
        spool_rows(book, sheet, fmt, spool)
    finally:
        book.detach()
    return spool, fmt.spooled()


def iter_rows(fileobj, fmt, errors, clients=None, skipped=None):
    """A profile grouping lines by summary record (AVImark) reads the file
    twice: a first pass indexes the summaries (``pms_summary``) and reports
    the lines none fits, the second yields the lines with their summary's
    invoice number.

    Yield a :class:`PmsRow` for every charge and discount row; append (row,
    reason) to ``errors`` for invalid ones; call ``skipped(row, reason key,
    values)`` for rows the profile's filters skip (totals, payments...).
    ``clients`` {client id: (name, phone, email)} fills what the line lacks.
    Raises :class:`PmsImportError` when reading cannot go on (header,
    encoding, malformed CSV). Row numbers count physical CSV records."""
    if not fmt.group_by_summary:
        yield from _iter_parsed(fileobj, fmt, errors, clients, skipped)
        return
    index = SummaryIndex(fmt)
    for row in _iter_parsed(fileobj, fmt, errors, None, index.skip):
        index.add_line(row)
    fileobj.seek(0)
    index.check(errors)
    for row in _iter_parsed(fileobj, fmt, ErrorLog(), clients, skipped):  # its errors: the first pass's
        yield row._replace(invoice=index.number_of(row))


def _iter_parsed(fileobj, fmt, errors, clients=None, skipped=None):
    fmt.check()
    wanted = {h for h in fmt.columns.values() if h} | fmt.rules.flag_columns()
    text, reader, names, header_row, encoding = open_table(fileobj, fmt, wanted)
    try:
        index = {
            column: names.index(fmt.columns[column.name]) for column in COLUMNS if fmt.columns[column.name]
        }
        flags = {name: names.index(name) for name in fmt.rules.flag_columns()}
        width = max([*index.values(), *flags.values()]) + 1
        for row_no, record in table_records(reader, header_row, encoding, errors):
            if not any(c.strip() for c in record):
                continue
            if fmt.rules.is_total(record):
                if skipped:
                    skipped(row_no, "total", {})
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
            parsed = parse_record(record, index, flags, fmt, row_no, errors, skipped)
            if parsed:
                if clients:
                    parsed = _join_client(parsed, clients)
                yield parsed
    finally:
        text.detach()


def _join_client(row, clients):
    known = clients.get(row.client_ref)
    if not known:
        return row
    name, phone, email = known
    return row._replace(
        client_name=row.client_name or name, phone=row.phone or phone, email=row.email or email
    )


def validate(fileobj, fmt, clients=None):
    """First pass: read the whole file; raise :class:`PmsImportError` with
    every problem (up to MAX_ERRORS listed), else return the number of rows."""
    errors, count = ErrorLog(), 0
    for _row in iter_rows(fileobj, fmt, errors, clients):
        count += 1
    fileobj.seek(0)
    if errors:
        errors.fail()
    if not count:
        raise PmsImportError([(0, _("The file has a header but no invoice lines."))])
    return count
