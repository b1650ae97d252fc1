"""What the PMS import benchmarks share (not a benchmark itself: `make bench`
runs the ``bench_*.py`` files only): the Cornerstone-shaped export and its
client file, the clinic that imports them, one measured import + accrual
run, and the command line and targets of both benchmarks."""

import argparse
import contextlib
import csv
import os
import random
import sys
import tempfile
import time

from targets import print_targets

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


HEADER = [
    "invoiceId",
    "type",
    "clientPimsId",
    "patientPimsId",
    "transactionDate",
    "code",
    "description",
    "quantity",
    "amount",
    "discount",
    "tax",
    "isPosted",
    "isPayment",
    "isVoided",
    "deleted",
]


def write_csv(path, lines, seed=42):
    """The transactions file: ``lines`` rows in all (charges, discounts,
    payments); returns the number of invoices."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("DataPoint transactions export, bench\n")
        writer = csv.writer(f)
        writer.writerow(HEADER)
        row = invoice = 0
        while row < lines:
            invoice += 1
            client = rng.randrange(CLIENTS + CLIENTS // 10)  # the last 10% are unknown to Odoo
            posted = "False" if invoice % 20 == 7 else "True"
            voided = "True" if invoice % 20 == 3 else "False"
            day = f"2026-03-{rng.randint(1, 28):02d} 10:{rng.randint(0, 59):02d}:00.000"
            total = 0.0
            for _i in range(min(rng.randint(1, 4), lines - row)):
                code = rng.randrange(CODES)
                amount = rng.randint(500, 30000) / 100
                total += amount
                writer.writerow(
                    [invoice, "Service", client, "P1", day, f"BENCH{code}", f"Service {code}", "1"]
                    + [f"{amount:.2f}", "0.00", "0.00", posted, "False", voided, "0"]
                )
                row += 1
            if row < lines and invoice % 5 == 0:
                writer.writerow(
                    [invoice, "Service", client, "P1", day, "BDISC", "Discount", "1", "-5.00", "0", "0"]
                    + [posted, "False", voided, "0"]
                )
                row += 1
            if row < lines:
                writer.writerow(
                    [invoice, "Payment", client, "", day, "CASH", "Payment", "1", f"{-total:.2f}", "", ""]
                    + [posted, "True", "False", "0"]
                )
                row += 1
        f.write("Total,,,,,,,,\n")
    return invoice


def write_clients(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["pimsId", "pimsClientIdentifier", "firstName", "lastName", "phone1", "email"])
        for client in range(CLIENTS + CLIENTS // 10):
            writer.writerow([client, f"A{client}", "Client", str(client), "", f"bench{client}@example.com"])


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
            "preset_id": env.ref("clinic_loyalty_pms_import.pms_preset_cornerstone").id,
            "discount_codes": "BDISC",
        }
    )
    env.flush_all()
    return profile


def measure(registry, path, clients_path, lines):
    """Import ``path`` with its client file for a new bench clinic and run
    the accrual engine on what was staged; print and return the figures
    (everything rolled back)."""
    from odoo import SUPERUSER_ID, api

    from odoo.addons.clinic_loyalty.tests.common import count_queries

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
        figures = {
            "unmatched": log.unmatched_count,
            "new_codes": log.product_count,
            "staged": log.row_count,
            "total": t_import + t_accrue,
            "peak": peak,
        }
        cr.rollback()
    print(
        f"  import : {t_import:6.1f} s  {lines / t_import:8,.0f} lines/s  "
        f"{import_q.count * 1000 / lines:5.1f} queries/1,000 lines"
    )
    print(
        f"  accrual: {t_accrue:6.1f} s  {done / max(t_accrue, 1e-9):8,.0f} invoices/s  "
        f"{accrue_q.count * 1000 / lines:5.1f} queries/1,000 lines  ({entries:,} entries, {points:,} points)"
    )
    total = figures["total"]
    print(
        f"  total  : {total:6.1f} s  {lines / total:8,.0f} lines/s  peak RSS {peak:.0f} MB "
        f"(+{max(peak - base_rss, 0):.0f} MB during import and accrual; Odoo registry included)"
    )
    return figures


def main(doc, run, what, seconds, peak_mb):
    """The command line of a PMS import benchmark: ``run(registry, lines,
    tmp)`` for each size, returning (total seconds, peak RSS MB); then the
    targets (``what`` imported and accrued in <= ``seconds`` at 100,000
    lines, peak < ``peak_mb``, flat as the file grows). The exit code."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
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
            f"{largest[0]:,} {what} imported and accrued in <= {seconds} s",
            largest[0] < 100000 or largest[1] <= seconds,
            f"{largest[1]:.1f} s",
        ),
        (
            f"peak RSS < {peak_mb} MB",
            all(peak < peak_mb for _n, _t, peak in results),
            ", ".join(f"{n:,} lines: {peak:.0f} MB" for n, _t, peak in results),
        ),
        (
            "memory flat as the file grows (peak at largest / smallest <= 1.2)",
            largest[2] <= 1.2 * smallest[2],
            f"{largest[2] / smallest[2]:.2f}",
        ),
    ]
    return print_targets(checks, f"PMS {'.xlsx ' if 'xlsx' in what else ''}import targets:")
