"""A dry run of the import: the file as the profile reads it, nothing written.

:func:`preview` streams the whole file through the same parser as the import
(so a file it accepts imports, and a file it rejects is rejected with the
same report) and keeps the first rows (lines and skipped rows, with why) and
the counts of what a real import would do. Pure Python; the upload wizard
adds the read-only look-ups (billing codes, known clients).
"""

from collections import Counter

from .pms_errors import ErrorLog
from .pms_parser import iter_rows

PREVIEW_ROWS = 20
STATE_RANK = {"paid": 1, "open": 2, "void": 3}


def preview(fileobj, fmt, clients=None, limit=PREVIEW_ROWS):
    """{'rows': [first ``limit`` rows as dicts], 'lines', 'discounts',
    'skipped' Counter, 'invoices' {number: state}, 'codes', 'clients'}."""
    rows, skipped = [], Counter()
    invoices, codes, refs = {}, set(), set()
    counts = {"lines": 0, "discounts": 0}

    def skip(row, reason, values):
        skipped[reason] += 1
        if len(rows) < limit:
            rows.append(
                {
                    "row_number": row,
                    "invoice": values.get("invoice", ""),
                    "client_ref": values.get("client_ref", ""),
                    "code": values.get("code", ""),
                    "kind": "skipped",
                    "skip_reason": reason,
                }
            )

    errors = ErrorLog()
    for row in iter_rows(fileobj, fmt, errors, clients, skip):
        counts["lines"] += 1
        if row.kind == "discount":
            counts["discounts"] += 1
        else:
            codes.add(row.code)
        refs.add(row.client_ref)
        state = invoices.get(row.invoice)
        if state is None or STATE_RANK[row.status] > STATE_RANK[state]:
            invoices[row.invoice] = row.status
        if len(rows) < limit:
            rows.append(
                {
                    "row_number": row.row_number,
                    "invoice": row.invoice,
                    "client_ref": row.client_ref,
                    "client_name": row.client_name,
                    "code": row.code,
                    "kind": row.kind,
                    "amount": float(row.amount),
                    "status": row.status,
                }
            )
    fileobj.seek(0)
    if errors:
        errors.fail()
    return {"rows": rows, "skipped": skipped, "invoices": invoices, "codes": codes, "clients": refs, **counts}
