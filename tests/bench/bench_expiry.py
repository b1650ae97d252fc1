"""Benchmark of the nightly points expiry (run by ``make bench``).

For each N, builds N clients of one clinic whose points expire after 12
months, each with three lots (two expired, one not) and a redemption drawn
from the first (``tests/system/expiry_builders.py``, through the real
posting method), then runs the nightly job exactly as the cron does
(``_cron_expire_points``: expiry batches committed one by one, then the
warnings), and prints accounts per second, SQL statements per 1,000
accounts (counted at the psycopg2 level) and the process' memory; then peak
Python memory under tracemalloc on fresh accounts (tracemalloc slows Python
about five times, so those runs are not timed). Every run is checked: one
expiry entry of 25 points per account, no lot left expired and undrawn, no
balance drift.

    .venv/bin/python tests/bench/bench_expiry.py --db clinic_bench --config odoo.conf

Not a test (pytest never collects ``bench_*.py``). Exit status 1 when a
target of the issue is missed.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import expiry_builders  # noqa: E402
from harness import BenchHarness, arg_parser, open_registry, print_runs, timed_then_traced  # noqa: E402
from targets import memory_flat, print_targets, queries_per_1000, speed_100k  # noqa: E402

TARGET_SECONDS_100K = 60.0
TARGET_QUERIES_PER_1000 = 20.0


class Bench(BenchHarness):
    def __init__(self, registry):
        self.registry = registry
        self.runs = 0

    def prepare(self):
        with self.registry.cursor() as cr:
            company = self.env(cr).ref("base.main_company")
            company.write({"loyalty_status": "test", "loyalty_expiry_months": 12})
            self.company_id = company.id
            cr.commit()

    def make_accounts(self, count):
        self.runs += 1
        with self.registry.cursor() as cr:
            env = self.env(cr)
            company = env["res.company"].browse(self.company_id)
            ids = expiry_builders.make_accounts(env, company, count, f"Bench expiry {self.runs}-")
            cr.execute("ANALYZE clinic_loyalty_lot")
            cr.execute("ANALYZE clinic_loyalty_account")
            cr.commit()
        return ids

    def expire(self, env):
        env["clinic.loyalty.expiry"]._cron_expire_points()  # exactly what the nightly job runs

    def check(self, account_ids):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT count(*), COALESCE(sum(points), 0) FROM clinic_loyalty_entry
                    WHERE kind = 'expiry' AND account_id = ANY(%s)""",
                [account_ids],
            )
            entries, points = cr.fetchone()
            cr.execute(
                """SELECT count(*) FROM clinic_loyalty_lot
                    WHERE account_id = ANY(%s) AND remaining > 0 AND expiry_date <= current_date""",
                [account_ids],
            )
            left = cr.fetchone()[0]
            drift = self.env(cr)["clinic.loyalty.account"]._check_drift()
        count = len(account_ids)
        assert entries == count, f"{entries} expiry entries for {count} accounts"
        assert points == -count * expiry_builders.EXPIRES, f"{points} points expired for {count} accounts"
        assert not left, f"{left} expired lots left undrawn"
        assert not drift, f"balances drifted: {drift[:5]}"


def main():
    parser = arg_parser(__doc__, "account counts for the timed runs", traced="account")
    args = parser.parse_args()

    bench = Bench(open_registry(args.db, args.config))
    print("Points expiry: a clinic whose points expire after 12 months ...", flush=True)
    bench.prepare()
    rows = []
    runs = timed_then_traced(args.sizes, args.trace_sizes)
    for count, trace in runs:
        started = time.perf_counter()
        ids = bench.make_accounts(count)
        print(f"  fixture: {count:,} accounts x 3 lots in {time.perf_counter() - started:.1f} s", flush=True)
        result = bench.measure(bench.expire, count, trace=trace)
        bench.check(ids)
        rows.append(("expiry (traced)" if trace else "expiry", result))
        label = "expiry under tracemalloc" if trace else "expiry"
        print(f"  {label}: {count:,} accounts in {result['seconds']:.1f} s", flush=True)

    print_runs(rows, "accounts")
    timed = [r for name, r in rows if name == "expiry"]
    traced = [r for name, r in rows if name == "expiry (traced)"]
    checks = []
    if timed:
        checks += [
            speed_100k("expiry of 100,000 accounts x 3 lots", timed, TARGET_SECONDS_100K),
            queries_per_1000("accounts", timed, TARGET_QUERIES_PER_1000),
        ]
    checks.append(memory_flat(traced))
    return print_targets(checks)


if __name__ == "__main__":
    sys.exit(main())
