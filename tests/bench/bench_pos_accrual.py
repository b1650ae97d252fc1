"""Benchmark of the nightly accrual of paid POS orders (run by ``make bench``).

Builds a clinic with a point of sale (``tests/system/builders.py``), records
one real cash order of an eligible 50.00 service through ``sync_from_ui``,
copies it N times in SQL (``INSERT ... SELECT generate_series``) over the
clients, none accrued yet, then runs the nightly job as the cron does
(``_cron_accrue``: batches committed one by one) and prints orders per second
and SQL statements per 1,000 orders (counted at the psycopg2 level). Every
run is checked: one 5-point entry per order, no balance drift.

    .venv/bin/python tests/bench/bench_pos_accrual.py --db clinic_bench --config odoo.conf

Not a test (pytest never collects ``bench_*.py``). Exit status 1 when a
target of the issue is missed.
"""

import os
import sys
import time
import uuid

from harness import BenchHarness, arg_parser, open_registry, sizes  # noqa: E402
from targets import print_targets, queries_per_1000, speed_100k  # noqa: E402

TARGET_SECONDS_100K = 60.0
TARGET_QUERIES_PER_1000 = 20.0
POINTS_PER_ORDER = 5  # 50.00 at 10.00 a point

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


class PosBench(BenchHarness):
    def __init__(self, registry, partners):
        self.registry = registry
        self.partner_count = partners

    def prepare(self):
        """A clinic in On with a shop, its clients and one real paid order."""
        from tests.system import builders

        with self.registry.cursor() as cr:
            env = self.env(cr)
            company, _service, _reward = builders.make_clinic(env)
            company.loyalty_otp_required = False
            cashiers, _password = builders.make_staff(
                env, company, 1, f"Bench cashier {company.id}", ["point_of_sale.group_pos_user"]
            )
            shop = builders.make_pos_shop(env, company, cashiers, f"bench{company.id}")
            env["product.product"].browse(shop["product"]).with_company(company).loyalty_eligible = True
            self.partner_ids = builders.make_partners(
                env, self.partner_count, f"POS bench client {company.id}-"
            )
            payload = builders.pos_order_payload(
                shop, str(uuid.uuid4()), self.partner_ids[0], cashiers.id, [(shop["cash"], 50.0, None)]
            )
            env["pos.order"].with_user(cashiers).with_company(company).sync_from_ui([payload])
            template = env["pos.order"].search([("uuid", "=", payload["uuid"])])
            assert template.state == "paid", template.state
            env["clinic.loyalty.accrual"]._run_accrual()  # the template accrues once, like any order
            self.company_id = company.id
            self.template_id = template.id
            cr.commit()

    def make_orders(self, count):
        """``count`` paid copies of the template order, spread over the
        clients, none accrued yet; returns the new ids' range."""
        with self.registry.cursor() as cr:
            cr.execute("SELECT nextval('pos_order_id_seq')")
            base = cr.fetchone()[0]
            cr.execute("SELECT setval('pos_order_id_seq', %s)", [base + count])
            partner = f"(%(partners)s::int[])[1 + (g - 1) %% {len(self.partner_ids)}]"
            self._copy(
                cr,
                "pos_order",
                {
                    "id": "%(base)s + g",
                    "name": "'POS-BENCH/' || (%(base)s + g)",
                    "pos_reference": "'POS-BENCH/' || (%(base)s + g)",
                    "uuid": "gen_random_uuid()::varchar",
                    "partner_id": partner,
                    "sequence_number": "%(base)s + g",
                    "loyalty_synced": "FALSE",
                    "loyalty_counted_amount": "0",
                    "loyalty_points": "0",
                    "loyalty_seq": "0",
                },
                "id = %(template)s",
                base,
                count,
            )
            self._copy(
                cr,
                "pos_order_line",
                {"order_id": "%(base)s + g", "uuid": "gen_random_uuid()::varchar"},
                "order_id = %(template)s",
                base,
                count,
            )
            # A paid order earns on what was paid for it: its payments come along.
            self._copy(
                cr,
                "pos_payment",
                {"pos_order_id": "%(base)s + g", "uuid": "gen_random_uuid()::varchar"},
                "pos_order_id = %(template)s",
                base,
                count,
            )
            cr.execute("ANALYZE pos_order")
            cr.execute("ANALYZE pos_order_line")
            cr.execute("ANALYZE pos_payment")
            cr.commit()
        return base + 1, base + count

    def _copy(self, cr, table, overrides, where, base, count):
        # Column names come from the catalogue, values stay parameters.
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER'
                ORDER BY ordinal_position""",
            [table],
        )
        columns = [c for (c,) in cr.fetchall() if c != "id" or "id" in overrides]
        select = ", ".join(overrides.get(c, f'"{c}"') for c in columns)
        cr.execute(
            f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '  # noqa: S608
            f"SELECT {select} FROM {table}, generate_series(1, %(count)s) g WHERE {where}",
            {"base": base, "count": count, "template": self.template_id, "partners": self.partner_ids},
        )

    def measure(self, count):
        from odoo.addons.clinic_loyalty.tests.common import count_queries

        with self.registry.cursor() as cr, count_queries(cr) as counter:
            started = time.perf_counter()
            self.env(cr)["clinic.loyalty.accrual"]._cron_accrue()  # exactly what the nightly job runs
            cr.commit()
            elapsed = time.perf_counter() - started
        return {
            "n": count,
            "seconds": elapsed,
            "rate": count / elapsed,
            "per1000": counter.count * 1000.0 / count,
        }

    def check(self, first_id, last_id):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT count(*), count(DISTINCT e.res_id), min(e.points), max(e.points)
                     FROM clinic_loyalty_entry e
                    WHERE e.res_model = 'pos.order' AND e.res_id BETWEEN %s AND %s""",
                [first_id, last_id],
            )
            entries, orders, low, high = cr.fetchone()
            expected = last_id - first_id + 1
            assert (entries, orders) == (expected, expected), (entries, orders, expected)
            assert low == high == POINTS_PER_ORDER, (low, high)
            assert self.env(cr)["clinic.loyalty.account"]._check_drift() == []


def main():
    parser = arg_parser(__doc__, "order counts for the timed engine runs")
    parser.add_argument("--partners", type=int, default=5000)
    args = parser.parse_args()

    bench = PosBench(open_registry(args.db, args.config), args.partners)
    print(f"Preparing a shop, {args.partners:,} clients and a paid template POS order ...", flush=True)
    bench.prepare()
    rows = []
    for count in sizes(args.sizes):
        started = time.perf_counter()
        first, last = bench.make_orders(count)
        print(
            f"  fixture: {count:,} paid POS orders copied in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        result = bench.measure(count)
        bench.check(first, last)
        rows.append(result)
        print(f"  engine: {count:,} POS orders in {result['seconds']:.1f} s", flush=True)

    print()
    print(f"{'POS orders':>12}{'seconds':>9}{'orders/s':>10}{'q/1000':>9}")
    for r in rows:
        print(f"{r['n']:>12,}{r['seconds']:>9.1f}{r['rate']:>10,.0f}{r['per1000']:>9.1f}")
    checks = [
        speed_100k("100,000 POS orders", rows, TARGET_SECONDS_100K),
        queries_per_1000("POS orders", rows, TARGET_QUERIES_PER_1000),
    ]
    return print_targets(checks)


if __name__ == "__main__":
    sys.exit(main())
