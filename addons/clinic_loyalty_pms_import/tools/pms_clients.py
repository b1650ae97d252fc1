"""The client file of a two-file export: client id -> name, phone, email.

Cornerstone's DataPoint, AVImark and ImproMed keep clients apart from
invoice lines (the lines carry only the client's id or record number), so
phones and emails reach matching only from a second file. It is read whole
into a dict before the lines (one entry per client, not per line: memory
grows with the clinic's client count, not with the file of lines), with the
same detection of encoding, delimiter and header row as the lines file.
"""

from odoo.tools.translate import LazyTranslate

from .pms_cells import parse_text
from .pms_errors import ErrorLog, PmsImportError
from .pms_table import open_table, table_records

_ = LazyTranslate(__name__, default_lang="en_US")

MAX_CLIENTS = 2_000_000


def read_clients(fileobj, fmt):
    """{client id: (name, phone, email)} from a client file; raises
    :class:`PmsImportError` (reasons prefixed 'Client file') when it cannot."""
    try:
        return _read(fileobj, fmt)
    except PmsImportError as e:
        raise PmsImportError(
            [(row, _("Client file: %(reason)s", reason=reason)) for row, reason in e.errors], e.total
        ) from None


def _read(fileobj, fmt):
    cols = fmt.client_columns
    ref = cols["ref"][0]
    parts = {key: cols.get(key) or [] for key in ("name", "phone", "email")}
    wanted = {ref, *parts["name"], *parts["phone"], *parts["email"]}
    text, reader, names, header_row, encoding = open_table(fileobj, fmt, wanted)
    index = {header: names.index(header) for header in wanted}
    width = max(index.values()) + 1
    rules, errors, clients = fmt.rules, ErrorLog(), {}
    try:
        for row_no, record in table_records(reader, header_row, encoding, errors):
            if len(record) < width:
                continue  # blank, totals or truncated line: a client file only informs
            cells = {}
            for header, i in index.items():
                value = parse_text(record[i], row_no, header, errors)
                cells[header] = "" if rules.is_null(value) else value
            key = cells[ref][:64]
            if not key:
                continue
            if len(clients) >= MAX_CLIENTS:
                errors.fail((row_no, _("More than %(count)s clients.", count=MAX_CLIENTS)))
            clients[key] = (
                " ".join(cells[h] for h in parts["name"] if cells[h])[:256],
                " ".join(cells[h] for h in parts["phone"] if cells[h])[:64],
                next((cells[h].lower() for h in parts["email"] if cells[h]), "")[:128],
            )
    finally:
        text.detach()
        fileobj.seek(0)
    if errors:
        errors.fail()
    return clients
