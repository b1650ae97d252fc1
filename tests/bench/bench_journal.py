"""Benchmark of the daily loyalty journal entry (run by ``make bench``).

Inserts N ledger entries of a clinic that values its points (accruals,
redemptions, reversals, adjustments, expiries over a few thousand accounts,
written set-based like the engine does), then books them exactly as the
accrual cron does (``clinic.loyalty.daily.move._book_company``, one
transaction), and prints, for each N: seconds, SQL statements (counted at the
psycopg2 level) and the points liability report's difference, which must be
0. Then the same under the deferred-revenue method (IFRS 15), where the
deferred loyalty revenue account must carry what was allocated less what was
recognised. The target of the issue is 100,000 entries in <= 10 s under both
methods. Then, over
100,000 accounts (``--asat-accounts``), the Points liability report as at a
date (``clinic.loyalty.liability.asat._rows``): <= 5 s, difference 0.

    .venv/bin/python tests/bench/bench_journal.py --db clinic_bench --config odoo.conf

Not a test (pytest never collects ``bench_*.py``). Exit status 1 when the
target is missed or the books do not match.
"""

import sys
import time
from datetime import date, timedelta

from harness import BenchHarness, arg_parser, open_registry, sizes  # noqa: E402
from targets import print_targets  # noqa: E402

TARGET_SECONDS_100K = 10.0
TARGET_ASAT_SECONDS = 5.0
POINT_VALUE = 0.05
METHODS = ("provision", "deferral")


class Bench(BenchHarness):
    def __init__(self, registry, accounts):
        self.registry = registry
        self.account_count = accounts
        self.runs = 0

    def prepare(self, method="provision"):
        """A clinic with a chart of accounts, a point value, and the accounts:
        the main company at face value, a clinic of its own under deferral
        (the method is fixed once booked, so each keeps its own)."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            company = env.ref("base.main_company")
            if method == "deferral":
                company = env["res.company"].search([("name", "=", "Bench deferral clinic")], limit=1)
                company = company or env["res.company"].create(
                    {
                        "name": "Bench deferral clinic",
                        "currency_id": env.ref("base.main_company").currency_id.id,
                    }
                )
            if not env["res.company"]._loyalty_has_chart(company):
                env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            company.write({"loyalty_status": "test", "loyalty_spend_per_point": 10.0})
            company.write({"loyalty_books_method": method, "loyalty_redemption_rate": 80.0})
            company.loyalty_point_value = POINT_VALUE
            partners = env["res.partner"].search([("name", "=like", "Bench journal client %")])
            missing = self.account_count - len(partners)
            if missing > 0:
                partners |= env["res.partner"].create(
                    [{"name": f"Bench journal client {i}"} for i in range(len(partners), self.account_count)]
                )
            pairs = [(p, company.id) for p in partners.ids[: self.account_count]]
            self.account_ids = list(env["clinic.loyalty.account"]._get_or_create(pairs).values())
            self.company_id = company.id
            # Book what exists already, so each run books only its own entries.
            cr.execute("SELECT COALESCE(MAX(date), %s) FROM clinic_loyalty_daily_move", [date(2020, 1, 1)])
            self.day = cr.fetchone()[0]
            self.next_day()
            env["clinic.loyalty.daily.move"]._book_company(company, self.day)

    def next_day(self):
        self.day += timedelta(days=1)

    def make_entries(self, count):
        """``count`` entries spread over the accounts, posted set-based, with
        the balances moved in the same statement (balance == sum(entries))."""
        self.runs += 1
        with self.registry.cursor() as cr:
            cr.execute(
                """
                WITH src AS (
                    SELECT g,
                           (%(accounts)s::int[])[1 + (g - 1) %% cardinality(%(accounts)s::int[])]
                               AS account_id,
                           CASE WHEN g %% 20 < 14 THEN 'accrual' WHEN g %% 20 < 17 THEN 'redemption'
                                WHEN g %% 20 < 18 THEN 'reversal' WHEN g %% 20 < 19 THEN 'adjustment'
                                ELSE 'expiry' END AS kind
                      FROM generate_series(1, %(count)s) g
                ), ins AS (
                    INSERT INTO clinic_loyalty_entry
                        (account_id, partner_id, company_id, points, amount, kind, date, key,
                         create_uid, write_uid, create_date, write_date)
                    SELECT s.account_id, a.partner_id, a.company_id,
                           CASE WHEN s.kind IN ('accrual', 'adjustment') THEN 3 + s.g %% 5
                                ELSE -1 - s.g %% 3 END,
                           CASE WHEN s.kind = 'accrual' THEN 10.0 * (3 + s.g %% 5) ELSE 0 END,
                           s.kind, now() at time zone 'UTC', 'bench:journal:' || %(run)s || ':' || s.g,
                           1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
                      FROM src s JOIN clinic_loyalty_account a ON a.id = s.account_id
                    RETURNING account_id, points
                )
                UPDATE clinic_loyalty_account a SET balance = a.balance + d.delta
                  FROM (SELECT account_id, SUM(points) AS delta FROM ins GROUP BY account_id) d
                 WHERE a.id = d.account_id
                """,
                {"accounts": self.account_ids, "count": count, "run": f"{time.time():.0f}-{self.runs}"},
            )

    def prepare_asat(self, accounts):
        """``accounts`` loyalty accounts in all (partners and accounts
        inserted set-based), each given one entry, all booked."""
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT COUNT(*) FROM clinic_loyalty_account WHERE company_id = %s""", [self.company_id]
            )
            missing = accounts - cr.fetchone()[0]
            if missing > 0:
                cr.execute(
                    """
                    WITH p AS (
                        INSERT INTO res_partner (name, complete_name, active, type, autopost_bills,
                                                 create_uid, write_uid, create_date, write_date)
                        SELECT 'Bench as-at client ' || g, 'Bench as-at client ' || g, TRUE, 'contact',
                               'ask', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
                          FROM generate_series(1, %(missing)s) g
                        RETURNING id
                    )
                    INSERT INTO clinic_loyalty_account
                        (partner_id, company_id, balance, spend_carry, active,
                         create_uid, write_uid, create_date, write_date)
                    SELECT p.id, %(company)s, 0, 0, TRUE, 1, 1,
                           now() at time zone 'UTC', now() at time zone 'UTC'
                      FROM p
                    """,
                    {"missing": missing, "company": self.company_id},
                )
                cr.execute(
                    "SELECT array_agg(id) FROM clinic_loyalty_account WHERE company_id = %s AND balance = 0",
                    [self.company_id],
                )
                fresh, self.account_ids = self.account_ids, cr.fetchone()[0] or []
                cr.commit()
                self.make_entries(len(self.account_ids))
                self.account_ids = fresh
                self.next_day()
                env = self.env(cr)
                env["clinic.loyalty.daily.move"]._book_company(
                    env["res.company"].browse(self.company_id), self.day
                )
                cr.commit()

    def measure_asat(self):
        with self.registry.cursor() as cr:
            env = self.env(cr)
            cr.execute("SELECT COUNT(*) FROM clinic_loyalty_account WHERE company_id = %s", [self.company_id])
            accounts = cr.fetchone()[0]
            # The fixture's days run ahead of the entries' dates: as at the later of both.
            as_at = max(self.day, date.today())
            started = time.perf_counter()
            [row] = env["clinic.loyalty.liability.asat"]._rows(as_at, [self.company_id])
            seconds = time.perf_counter() - started
        return {"accounts": accounts, "seconds": seconds, "difference": row["difference"]}

    def measure(self, count):
        from odoo.addons.clinic_loyalty.tests.common import count_queries

        self.next_day()
        with self.registry.cursor() as cr, count_queries(cr) as counter:
            env = self.env(cr)
            company = env["res.company"].browse(self.company_id)
            started = time.perf_counter()
            move = env["clinic.loyalty.daily.move"]._book_company(company, self.day)
            cr.commit()
            seconds = time.perf_counter() - started
            lines = len(move.line_ids)
        with self.registry.cursor() as cr:
            env = self.env(cr)
            company = env["res.company"].browse(self.company_id)
            if company.loyalty_books_method == "deferral":
                # deferred account == allocated - recognised, to the cent
                daily = env["clinic.loyalty.daily.move"].search([("move_id", "=", move.id)])
                held = company._loyalty_liability_balance(company.loyalty_deferred_account_id)
                gap = round(
                    held + daily.deferred_allocated - daily.deferred_revenue - daily.deferred_breakage, 2
                )
                drift = [(company, gap)] if gap else []
            else:
                drift = company._loyalty_liability_drift()
            cr.execute(
                """SELECT COUNT(*) FROM clinic_loyalty_move_link l
                     JOIN clinic_loyalty_daily_move d ON d.id = l.daily_move_id WHERE d.move_id = %s""",
                [move.id],
            )
            linked = cr.fetchone()[0]
            balance_drift = env["clinic.loyalty.account"]._check_drift()
            method = company.loyalty_books_method
        return {
            "n": count,
            "method": method,
            "seconds": seconds,
            "queries": counter.count,
            "lines": lines,
            "linked": linked,
            "drift": drift,
            "balance_drift": balance_drift,
        }


def measure_asat(bench, accounts):
    started = time.perf_counter()
    bench.prepare_asat(accounts)
    print(f"  fixture: {accounts:,} accounts in {time.perf_counter() - started:.1f} s", flush=True)
    asat = bench.measure_asat()
    print(f"  as-at report: {asat['accounts']:,} accounts in {asat['seconds']:.2f} s", flush=True)

    return asat


def main():
    parser = arg_parser(__doc__, "ledger entry counts for the timed runs")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--asat-accounts", type=int, default=100_000, help="accounts of the as-at report")
    args = parser.parse_args()

    bench = Bench(open_registry(args.db, args.config), args.accounts)
    print(f"Preparing a clinic with {args.accounts:,} loyalty accounts ...", flush=True)
    rows = []
    for method in METHODS:
        if method == "deferral":
            # the as-at report over the books kept at face value
            asat = measure_asat(bench, args.asat_accounts)
        bench.prepare(method)
        bench.make_entries(100)
        bench.measure(100)  # warm the caches: the timed runs compare like with like
        for count in sizes(args.sizes):
            started = time.perf_counter()
            bench.make_entries(count)
            print(f"  fixture: {count:,} ledger entries in {time.perf_counter() - started:.1f} s", flush=True)
            rows.append(bench.measure(count))
            print(
                f"  daily entry ({method}): {count:,} ledger entries in {rows[-1]['seconds']:.2f} s",
                flush=True,
            )

    print()
    print(
        f"{'method':>10}{'entries':>10}{'seconds':>9}{'entries/s':>12}{'queries':>9}"
        f"{'move lines':>12}{'linked':>10}"
    )
    for r in rows:
        print(
            f"{r['method']:>10}{r['n']:>10,}{r['seconds']:>9.2f}{r['n'] / r['seconds']:>12,.0f}"
            f"{r['queries']:>9,}{r['lines']:>12}{r['linked']:>10,}"
        )
    checks = []
    for method in METHODS:
        runs = [r for r in rows if r["method"] == method]
        largest = max(runs, key=lambda r: r["n"])
        seconds_100k = largest["seconds"] * 100_000 / largest["n"]
        checks += [
            (
                f"{method}: daily journal entry for 100,000 ledger entries in <= {TARGET_SECONDS_100K:.0f} s",
                seconds_100k <= TARGET_SECONDS_100K,
                f"{seconds_100k:.2f} s" + ("" if largest["n"] == 100_000 else " (extrapolated)"),
            ),
            (
                f"{method}: statements do not grow with the entries",
                len({r["queries"] for r in runs}) == 1,
                ", ".join(f"{r['queries']}" for r in runs),
            ),
            (
                f"{method}: every entry linked to its move, "
                + (
                    "deferred == allocated - recognised"
                    if method == "deferral"
                    else "liability == points x value"
                ),
                all(r["linked"] == r["n"] and not r["drift"] and not r["balance_drift"] for r in runs),
                "; ".join(f"{r['linked']:,} linked, difference {r['drift'] or 0}" for r in runs),
            ),
        ]
    checks += [
        (
            f"points liability as at a date for {args.asat_accounts:,} accounts "
            f"in <= {TARGET_ASAT_SECONDS:.0f} s",
            asat["seconds"] <= TARGET_ASAT_SECONDS
            and asat["accounts"] >= args.asat_accounts
            and not asat["difference"],
            f"{asat['seconds']:.2f} s over {asat['accounts']:,} accounts, difference {asat['difference']}",
        ),
    ]
    return print_targets(checks)


if __name__ == "__main__":
    sys.exit(main())
