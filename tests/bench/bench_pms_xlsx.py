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

import csv
import datetime
import os
import sys

from pms_builders import HEADER, main, measure, write_clients, write_csv


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
    path = os.path.join(tmp, f"transactions-{lines}.xlsx")
    clients_path = os.path.join(tmp, "clients.csv")
    invoices = write_xlsx(path, lines, tmp)
    write_clients(clients_path)
    size_mb = os.path.getsize(path) / 1024 / 1024
    print(f"PMS .xlsx import {lines:>7,} lines ({size_mb:.1f} MB, {invoices:,} invoices)")
    r = measure(registry, path, clients_path, lines)
    print(f"  staged : {r['staged']:,} lines")
    return r["total"], r["peak"]


if __name__ == "__main__":
    sys.exit(main(__doc__, run, ".xlsx lines", 90, 350))
