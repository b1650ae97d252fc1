"""Benchmark: PMS export import + accrual (``make bench``; not collected by pytest).

    python tests/bench/bench_pms_import.py --db clinic_bench --config odoo.conf [--lines 20000 100000]

For each size: writes an invoice-line CSV (Generic preset, ~3 lines per
invoice, 90% of clients known by email) in a temporary folder, imports it
(validate pass + staging pass) and runs the core accrual engine on what was
staged; prints lines/s, SQL queries per 1,000 lines and the peak resident
memory of the run. Everything is rolled back at the end.
Targets (issue 6): 100,000 lines imported and accrued in <= 60 s on 2 cores,
peak < 300 MB, flat as the file grows.
"""

import argparse
import contextlib
import csv
import os
import random
import sys
import tempfile
import time

CODES = 60
CLIENTS = 5000


def reset_peak_rss():
    """Reset the kernel's high-water mark of this process (Linux)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_csv(path, lines, seed=42):
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "invoice_number",
                "date",
                "status",
                "client_id",
                "client_name",
                "phone",
                "email",
                "code",
                "description",
                "quantity",
                "amount",
                "patient",
            ]
        )
        row = invoice = 0
        while row < lines:
            invoice += 1
            client = rng.randrange(CLIENTS + CLIENTS // 10)  # the last 10% are unknown to Odoo
            for _i in range(min(rng.randint(1, 5), lines - row)):
                code = rng.randrange(CODES)
                writer.writerow(
                    [
                        f"B-{invoice}",
                        f"2026-03-{rng.randint(1, 28):02d}",
                        "paid",
                        f"PMS{client}",
                        f"Client {client}",
                        "",
                        f"bench{client}@example.com",
                        f"BENCH{code}",
                        f"Service {code}",
                        "1",
                        f"{rng.randint(500, 30000) / 100:.2f}",
                        "Rex",
                    ]
                )
                row += 1
    return invoice


def setup(env):
    company = env["res.company"].create(
        {"name": f"Bench PMS clinic {time.time():.0f}", "country_id": env.ref("base.us").id}
    )
    # The files are dated March 2026: the programme started before.
    company.write(
        {
            "loyalty_status": "test",
            "loyalty_earning_mode": "per_transaction",
            "loyalty_start_date": "2026-01-01",
        }
    )
    env["product.product"].create(
        [
            {
                "name": f"Service {c}",
                "default_code": f"BENCH{c}",
                "type": "service",
                "company_id": company.id,
                "loyalty_eligible": c % 2 == 0,
            }
            for c in range(CODES // 2)
        ]
    )  # the other half of the codes are created by the import
    env["res.partner"].create(
        [
            {"name": f"Client {c}", "email": f"bench{c}@example.com", "company_id": company.id}
            for c in range(CLIENTS)
        ]
    )
    profile = env["clinic.loyalty.pms.profile"].create(
        {
            "name": "Bench",
            "company_id": company.id,
            "preset_id": env.ref("clinic_loyalty_pms_import.pms_preset_generic").id,
        }
    )
    env.flush_all()
    return profile


def run(registry, lines, tmp):
    from odoo import SUPERUSER_ID, api

    from odoo.addons.clinic_loyalty.tests.common import count_queries

    path = os.path.join(tmp, f"export-{lines}.csv")
    invoices = write_csv(path, lines)
    size_mb = os.path.getsize(path) / 1024 / 1024
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        profile = setup(env)
        # Only this clinic accrues during the measure.
        accruing = env["res.company"].search([("loyalty_status", "in", ("test", "on"))]) - profile.company_id
        accruing.write({"loyalty_status": "off"})
        env.flush_all()
        env.invalidate_all()
        reset_peak_rss()
        base_rss = rss_mb("VmRSS")
        with count_queries(cr) as import_q:
            t0 = time.perf_counter()
            with open(path, "rb") as f:
                log = env["clinic.loyalty.pms.import"]._import_file(profile, f, os.path.basename(path))
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
        unmatched, new_codes = log.unmatched_count, log.product_count
        cr.rollback()
    total = t_import + t_accrue
    print(
        f"PMS import {lines:>7,} lines ({size_mb:.1f} MB, {invoices:,} invoices, "
        f"{unmatched:,} unmatched clients, {new_codes} new codes)"
    )
    print(
        f"  import : {t_import:6.1f} s  {lines / t_import:8,.0f} lines/s  "
        f"{import_q.count * 1000 / lines:5.1f} queries/1,000 lines"
    )
    print(
        f"  accrual: {t_accrue:6.1f} s  {done / t_accrue:8,.0f} invoices/s  "
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
    largest = max(results)
    smallest = min(results)
    checks = [
        (
            f"{largest[0]:,} lines imported and accrued in <= 60 s",
            largest[0] < 100000 or largest[1] <= 60,
            f"{largest[1]:.1f} s",
        ),
        (
            "peak RSS < 300 MB",
            all(peak < 300 for _n, _t, peak in results),
            ", ".join(f"{n:,} lines: {peak:.0f} MB" for n, _t, peak in results),
        ),
        (
            "memory flat as the file grows (peak at largest / smallest <= 1.2)",
            largest[2] <= 1.2 * smallest[2],
            f"{largest[2] / smallest[2]:.2f}",
        ),
    ]
    print("PMS import targets:")
    for label, ok, value in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")
    return 0 if all(ok for _l, ok, _v in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
