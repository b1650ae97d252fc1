"""Benchmark: an Excel (.xlsx) PMS report imported + accrued (``make bench``).

    python tests/bench/bench_pms_xlsx.py --db clinic_bench --config odoo.conf [--lines 20000 100000]

For each size: writes, with XlsxWriter (shared strings, as Excel saves), a report shaped like
the Cornerstone DataPoint transactions of bench_pms_import.py (same rows,
same client file) the way a report builder exports it: a title row and a
date-range row before the header, amounts as numbers, dates as Excel dates,
the flags as text, a totals row. Imports it with its client file through the
Cornerstone preset (the workbook read in openpyxl's read-only mode, twice:
validate pass + staging pass) and runs the core accrual engine; prints the
time, lines/s, SQL queries per 1,000 lines and the peak resident memory.
Everything is rolled back at the end.
The text cells are shared strings, as Excel and the report builders save
them (openpyxl's own write-only mode writes inline strings, about 3 times
slower to read back, which no clinic's export holds).
Targets (issue 23): 100,000 lines imported and accrued in <= 90 s, peak
< 350 MB, flat as the file grows (read-only streaming, no whole-sheet load).
"""

import argparse
import csv
import datetime
import os
import sys
import tempfile
import time

from bench_pms_import import HEADER, reset_peak_rss, rss_mb, setup, write_clients, write_csv
from targets import print_targets


def write_xlsx(path, lines, tmp):
    """The report: the rows of bench_pms_import's CSV, typed as Excel holds them."""
    import xlsxwriter

    source = os.path.join(tmp, "source.csv")
    invoices = write_csv(source, lines)
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Transactions")
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ["DataPoint transactions report, bench"])
    sheet.write_row(1, 0, ["From 03/01/2026 to 03/31/2026"])
    sheet.write_row(2, 0, HEADER)
    amount, quantity, date = HEADER.index("amount"), HEADER.index("quantity"), HEADER.index("transactionDate")
    row_index = 3
    with open(source, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        next(reader)
        for record in reader:
            if record[0] == "Total":
                sheet.write_row(row_index, 0, ["Total"])
                row_index += 1
                continue
            row = list(record)
            row[amount] = float(row[amount])
            row[quantity] = int(row[quantity])
            row[date] = None  # written below as an Excel date, not a shared string
            sheet.write_row(row_index, 0, row)
            sheet.write_datetime(
                row_index, date, datetime.datetime.strptime(record[date], "%Y-%m-%d %H:%M:%S.%f"), date_format
            )
            row_index += 1
    book.close()
    os.unlink(source)
    return invoices


def run(registry, lines, tmp):
    from odoo import SUPERUSER_ID, api

    from odoo.addons.clinic_loyalty.tests.common import count_queries

    path = os.path.join(tmp, f"transactions-{lines}.xlsx")
    clients_path = os.path.join(tmp, "clients.csv")
    invoices = write_xlsx(path, lines, tmp)
    write_clients(clients_path)
    size_mb = os.path.getsize(path) / 1024 / 1024
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        profile = setup(env)
        accruing = env["res.company"].search([("loyalty_status", "in", ("test", "on"))]) - profile.company_id
        accruing.write({"loyalty_status": "off"})
        env.flush_all()
        env.invalidate_all()
        reset_peak_rss()
        base_rss = rss_mb("VmRSS")
        with count_queries(cr) as import_q:
            t0 = time.perf_counter()
            with open(path, "rb") as f, open(clients_path, "rb") as c:
                log = env["clinic.loyalty.pms.import"]._import_file(
                    profile, f, os.path.basename(path), client_fileobj=c
                )
            t_import = time.perf_counter() - t0
        assert log.state == "done", log.report
        with count_queries(cr) as accrue_q:
            t1 = time.perf_counter()
            done = env["clinic.loyalty.accrual"]._run_accrual()
            t_accrue = time.perf_counter() - t1
        peak = rss_mb("VmHWM")
        cr.execute(
            "SELECT count(*), COALESCE(sum(points), 0) FROM clinic_loyalty_entry WHERE company_id = %s",
            [profile.company_id.id],
        )
        entries, points = cr.fetchone()
        staged = log.row_count
        cr.rollback()
    total = t_import + t_accrue
    print(
        f"PMS .xlsx import {lines:>7,} lines ({size_mb:.1f} MB, {invoices:,} invoices, "
        f"{staged:,} lines staged)"
    )
    print(
        f"  import : {t_import:6.1f} s  {lines / t_import:8,.0f} lines/s  "
        f"{import_q.count * 1000 / lines:5.1f} queries/1,000 lines"
    )
    print(
        f"  accrual: {t_accrue:6.1f} s  {done / max(t_accrue, 1e-9):8,.0f} invoices/s  "
        f"{accrue_q.count * 1000 / lines:5.1f} queries/1,000 lines  ({entries:,} entries, {points:,} points)"
    )
    print(
        f"  total  : {total:6.1f} s  {lines / total:8,.0f} lines/s  peak RSS {peak:.0f} MB "
        f"(+{max(peak - base_rss, 0):.0f} MB during import and accrual; Odoo registry included)"
    )
    return total, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--lines", type=int, nargs="+", default=[20000, 100000])
    args = parser.parse_args()

    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    if "clinic.loyalty.pms.invoice" not in registry:
        sys.exit(f"clinic_loyalty_pms_import is not installed in {args.db}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for lines in args.lines:
            results.append((lines, *run(registry, lines, tmp)))
    largest, smallest = max(results), min(results)
    checks = [
        (
            f"{largest[0]:,} .xlsx lines imported and accrued in <= 90 s",
            largest[0] < 100000 or largest[1] <= 90,
            f"{largest[1]:.1f} s",
        ),
        (
            "peak RSS < 350 MB",
            all(peak < 350 for _n, _t, peak in results),
            ", ".join(f"{n:,} lines: {peak:.0f} MB" for n, _t, peak in results),
        ),
        (
            "memory flat as the file grows (peak at largest / smallest <= 1.2)",
            largest[2] <= 1.2 * smallest[2],
            f"{largest[2] / smallest[2]:.2f}",
        ),
    ]
    return print_targets(checks, "PMS .xlsx import targets:")


if __name__ == "__main__":
    sys.exit(main())
