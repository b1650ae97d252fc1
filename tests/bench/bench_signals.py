"""Benchmark of the nightly staff review (run by ``make bench``).

For each size N builds a clinic with ten cashiers, 2,000 clients, N ledger
entries (accruals, a few redemptions and adjustments) and N paid POS orders
(a few refunds) over the last month, in SQL (``INSERT ... SELECT
generate_series``); then runs the review of that clinic as the cron does
(``clinic.loyalty.signal._signal_compute``) and prints seconds and SQL
statements per 1,000 documents (counted at the psycopg2 level), then peak
Python memory of the same run under tracemalloc (not timed).

    .venv/bin/python tests/bench/bench_signals.py --db clinic_bench --config odoo.conf

Not a test (pytest never collects ``bench_*.py``). Exit status 1 when a
target of the issue is missed.
"""

import os
import sys
import uuid

from harness import BenchHarness, arg_parser, open_registry, sizes  # noqa: E402
from targets import memory_flat, print_targets, queries_per_1000, speed_100k  # noqa: E402

TARGET_SECONDS_100K = 30.0
TARGET_QUERIES_PER_1000 = 20.0

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


class SignalBench(BenchHarness):
    def __init__(self, registry, partners):
        self.registry = registry
        self.partner_count = partners

    def prepare(self, count):
        """A clinic with ``count`` ledger entries and ``count`` POS orders."""
        from tests.system import builders

        with self.registry.cursor() as cr:
            env = self.env(cr)
            company = env["res.company"].create(
                {"name": f"Signals bench {uuid.uuid4().hex[:8]}", "loyalty_status": "test"}
            )
            cashiers, _password = builders.make_staff(env, company, 10, f"Signals cashier {company.id}-", [])
            partner_ids = builders.make_partners(env, self.partner_count, f"Signals client {company.id}-")
            accounts = env["clinic.loyalty.account"]._get_or_create([(p, company.id) for p in partner_ids])
            account_ids = [accounts[(p, company.id)] for p in partner_ids]
            users = cashiers.ids
            picking_type = env["stock.picking.type"].search([], limit=1).id
            cr.execute(
                """INSERT INTO pos_config (name, company_id, picking_type_id, iface_tax_included,
                                           picking_policy, active)
                   VALUES ('Signals bench', %s, %s, 'total', 'direct', TRUE) RETURNING id""",
                [company.id, picking_type],
            )
            config = cr.fetchone()[0]
            cr.execute(
                """INSERT INTO pos_session (config_id, user_id, name, state)
                   VALUES (%s, %s, 'Signals bench ' || %s, 'opened') RETURNING id""",
                [config, users[0], company.id],
            )
            session = cr.fetchone()[0]
            params = {
                "company": company.id,
                "accounts": account_ids,
                "partners": partner_ids,
                "users": users,
                "count": count,
                "session": session,
                "na": len(account_ids),
                "nu": len(users),
            }
            # Orders: spread over clients and (hashed) cashiers, the last month; 1 in 200 a
            # refund of the previous one.
            cr.execute(
                """INSERT INTO pos_order
                       (name, company_id, session_id, user_id, partner_id, date_order, state,
                        amount_tax, amount_total, amount_paid, amount_return)
                   SELECT 'SIG-BENCH/' || %(company)s || '/' || g, %(company)s, %(session)s,
                          (%(users)s::int[])[1 + (hashtext(g::text) & 65535) %% %(nu)s],
                          (%(partners)s::int[])[1 + g %% %(na)s],
                          now() at time zone 'UTC' - make_interval(mins => (g * 13) %% 43200), 'paid', 0,
                          CASE WHEN g %% 200 = 0 THEN -50 ELSE 50 END,
                          CASE WHEN g %% 200 = 0 THEN -50 ELSE 50 END, 0
                     FROM generate_series(1, %(count)s) g
                   RETURNING id""",
                params,
            )
            order_ids = sorted(r[0] for r in cr.fetchall())
            product = env["product.product"].search([], limit=1).id
            cr.execute(
                """INSERT INTO pos_order_line (order_id, product_id, name, qty, price_unit, price_subtotal,
                                               price_subtotal_incl)
                   SELECT o.id, %s, 'Bench', 1, o.amount_total, o.amount_total, o.amount_total
                     FROM pos_order o WHERE o.id = ANY(%s)""",
                [product, order_ids],
            )
            cr.execute(
                """UPDATE pos_order_line r SET refunded_orderline_id = p.id
                     FROM pos_order ro, pos_order_line p
                    WHERE ro.id = r.order_id AND ro.amount_total < 0 AND ro.id = ANY(%s)
                      AND p.order_id = ro.id - 1""",
                [order_ids],
            )
            # Ledger: an accrual per order (5 points), 1 in 100 a redemption, 1 in 500 an adjustment.
            params["orders"] = order_ids
            cr.execute(
                """INSERT INTO clinic_loyalty_entry (account_id, partner_id, company_id, points, amount, kind,
                                                     date, user_id, res_model, res_id, key)
                   SELECT a.id, a.partner_id, %(company)s,
                          CASE WHEN g %% 100 = 0 THEN -5 ELSE 5 END, 0,
                          CASE WHEN g %% 500 = 0 THEN 'adjustment' WHEN g %% 100 = 0 THEN 'redemption'
                               ELSE 'accrual' END,
                          o.date_order, o.user_id,
                          CASE WHEN g %% 100 = 0 THEN NULL ELSE 'pos.order' END,
                          CASE WHEN g %% 100 = 0 THEN NULL ELSE o.id END,
                          'sig-bench:' || g
                     FROM generate_series(1, %(count)s) g
                     JOIN pos_order o ON o.id = (%(orders)s::int[])[g]
                     JOIN clinic_loyalty_account a
                       ON a.partner_id = o.partner_id AND a.company_id = %(company)s""",
                params,
            )
            cr.execute(
                """UPDATE clinic_loyalty_account a SET balance = s.total
                     FROM (SELECT account_id, SUM(points) AS total FROM clinic_loyalty_entry
                            WHERE company_id = %s GROUP BY account_id) s
                    WHERE s.account_id = a.id""",
                [company.id],
            )
            cr.execute("ANALYZE clinic_loyalty_entry")
            cr.execute("ANALYZE pos_order")
            cr.execute("ANALYZE pos_order_line")
            cr.commit()
            return company.id

    def run(self, company_id, count, trace):
        def work(env):
            env.cr.execute("DELETE FROM clinic_loyalty_signal WHERE company_id = %s", [company_id])
            created = env["clinic.loyalty.signal"]._signal_compute(env["res.company"].browse(company_id))
            return len(created)

        return self.measure(work, count, trace)


def main():
    parser = arg_parser(__doc__, "ledger entries (and POS orders) per run")
    parser.add_argument("--partners", type=int, default=2000)
    args = parser.parse_args()

    bench = SignalBench(open_registry(args.db, args.config), args.partners)
    rows, traced = [], []
    for count in sizes(args.sizes):
        print(f"Preparing a clinic with {count:,} ledger entries and {count:,} POS orders ...", flush=True)
        company_id = bench.prepare(count)
        result = bench.run(company_id, count, trace=False)
        rows.append(result)
        print(f"  review: {result['seconds']:.1f} s, {result['done']} signal(s)", flush=True)
        traced.append(bench.run(company_id, count, trace=True))

    print()
    print(f"{'entries+orders':>15}{'seconds':>9}{'q':>6}{'q/1000':>9}{'signals':>9}{'MB':>7}")
    for r, t in zip(rows, traced, strict=True):
        print(
            f"{r['n']:>15,}{r['seconds']:>9.1f}{r['queries']:>6}{r['per1000']:>9.2f}{r['done']:>9}"
            f"{t['tracemalloc']:>7.1f}"
        )
    checks = [
        speed_100k("100,000 ledger entries and 100,000 POS orders reviewed", rows, TARGET_SECONDS_100K),
        queries_per_1000("documents", rows, TARGET_QUERIES_PER_1000, digits=2),
        memory_flat(traced),
    ]
    return print_targets(checks, "Staff review")


if __name__ == "__main__":
    sys.exit(main())
