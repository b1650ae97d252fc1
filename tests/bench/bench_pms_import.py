"""Benchmark: PMS export import + accrual (``make bench``; not collected by pytest).

    python tests/bench/bench_pms_import.py --db clinic_bench --config odoo.conf [--lines 20000 100000]

For each size: writes a two-file export shaped like Cornerstone's DataPoint
transactions (Cornerstone preset: a title line, ~3 charges per invoice, a
payment row per invoice, a discount line on one invoice in 5, 1 in 20 voided
and 1 in 20 not posted, a totals line; delimiter and encoding detected) and
its client file (90% of clients known by email) in a temporary folder,
imports both (client file + validate pass + staging pass, row filters and
status flags on) and runs the core accrual engine on what was staged; prints
lines/s, SQL queries per 1,000 lines and the peak resident memory of the
run. Everything is rolled back at the end.
Targets (issues 6 and 13): 100,000 lines imported and accrued in <= 60 s on
2 cores, peak < 300 MB, flat as the file grows.
"""

import os
import sys

from pms_builders import CLIENTS, main, measure, write_clients, write_csv


def run(registry, lines, tmp):
    path = os.path.join(tmp, f"transactions-{lines}.csv")
    clients_path = os.path.join(tmp, "clients.csv")
    invoices = write_csv(path, lines)
    write_clients(clients_path)
    size_mb = os.path.getsize(path) / 1024 / 1024
    print(
        f"PMS import {lines:>7,} lines ({size_mb:.1f} MB, {invoices:,} invoices; client file of "
        f"{CLIENTS * 11 // 10:,})"
    )
    r = measure(registry, path, clients_path, lines)
    print(
        f"  staged : {r['staged']:,} lines, {r['unmatched']:,} unmatched clients, {r['new_codes']} new codes"
    )
    return r["total"], r["peak"]


if __name__ == "__main__":
    sys.exit(main(__doc__, run, "lines", 60, 300))
