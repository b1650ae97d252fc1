"""Benchmark of the nightly loyalty accrual (run by ``make bench``).

Builds N paid customer invoices quickly (one real invoice, posted and paid
through the ORM, copied with ``INSERT ... SELECT generate_series``), runs the
nightly job exactly as the cron does (``_cron_accrue``: batches committed one
by one), and prints, for each N: invoices per second, SQL statements per
1,000 invoices (counted at the psycopg2 level, so the engine's
``execute_values`` pages count too) and the process' peak RSS with its growth
during the run; then peak Python memory under tracemalloc, on fresh invoices
(tracemalloc slows Python about five times, so those runs are not timed).
The same work is then done by a naive per-invoice ORM loop on a smaller N,
and the ratio printed. Every run is checked: one 3-point entry per invoice,
no balance drift.

    .venv/bin/python tests/bench/bench_accrual.py --db clinic_bench --config odoo.conf

Not a test (pytest never collects ``bench_*.py``). Exit status 1 when a
target of the issue is missed.
"""

import sys
import time

from harness import BenchHarness, arg_parser, open_registry, print_runs, timed_then_traced  # noqa: E402
from targets import memory_flat, print_targets, queries_per_1000, speed_100k  # noqa: E402

TARGET_SECONDS_100K = 60.0
TARGET_RATIO = 20.0
TARGET_QUERIES_PER_1000 = 20.0

INVOICE_AMOUNT = 30.0  # eligible, untaxed: 3 points per invoice
OTHER_AMOUNT = 20.0  # not eligible


class Bench(BenchHarness):
    def __init__(self, registry, partners):
        self.registry = registry
        self.partner_count = partners

    # ------------------------------------------------------------------
    # Fixture
    # ------------------------------------------------------------------
    def prepare(self):
        """Programme in Test, one eligible and one other item, the clients,
        and one real posted, paid invoice to copy."""
        from odoo import Command

        with self.registry.cursor() as cr:
            env = self.env(cr)
            company = env.ref("base.main_company")
            company.write(
                {
                    "loyalty_status": "test",
                    "loyalty_earning_mode": "per_transaction",
                    "loyalty_spend_per_point": 10.0,
                    "loyalty_min_transaction_amount": 0.0,
                    "loyalty_start_date": "2025-01-01",  # the copies are dated 2025-01-15
                }
            )
            Product = env["product.product"]
            eligible = Product.search([("default_code", "=", "BENCH-CONS")]) or Product.create(
                {
                    "name": "Bench consultation",
                    "default_code": "BENCH-CONS",
                    "type": "service",
                    "list_price": INVOICE_AMOUNT,
                    "loyalty_eligible": True,
                }
            )
            other = Product.search([("default_code", "=", "BENCH-FOOD")]) or Product.create(
                {
                    "name": "Bench pet food",
                    "default_code": "BENCH-FOOD",
                    "list_price": OTHER_AMOUNT,
                }
            )
            Partner = env["res.partner"]
            partners = Partner.search([("ref", "=like", "BENCH-%")], order="id")
            if len(partners) < self.partner_count:
                partners |= Partner.create(
                    [
                        {"name": f"Bench client {i}", "ref": f"BENCH-{i}"}
                        for i in range(len(partners), self.partner_count)
                    ]
                )
            template = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partners[0].id,
                    "invoice_date": "2025-01-15",
                    "invoice_line_ids": [
                        Command.create({"product_id": eligible.id, "price_unit": INVOICE_AMOUNT}),
                        Command.create({"product_id": other.id, "price_unit": OTHER_AMOUNT}),
                    ],
                }
            )
            template.action_post()
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=template.ids
            ).create({"payment_date": "2025-01-15"})._create_payments()
            assert template.payment_state in ("paid", "in_payment"), template.payment_state
            env["clinic.loyalty.accrual"]._run_accrual()  # the template accrues once, like any invoice
            self.company_id = company.id
            self.template_id = template.id
            self.partner_ids = partners.ids[: self.partner_count]
            self.eligible_id = eligible.id
            cr.commit()

    def _columns(self, cr, table):
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER'
                ORDER BY ordinal_position""",
            [table],
        )
        return [row[0] for row in cr.fetchall()]

    def make_invoices(self, count):
        """``count`` paid invoices, copies of the template, spread over the
        clients, none accrued yet. Returns the new ids' range."""
        from psycopg2 import sql

        with self.registry.cursor() as cr:
            cr.execute("SELECT nextval('account_move_id_seq')")
            base = cr.fetchone()[0]
            cr.execute("SELECT setval('account_move_id_seq', %s)", [base + count])
            partner = sql.SQL("(%(partners)s::int[])[1 + (g - 1) %% {}]").format(
                sql.Literal(len(self.partner_ids))
            )
            move_over = {
                "id": sql.SQL("%(base)s + g"),
                "name": sql.SQL("'BENCH/' || (%(base)s + g)"),
                "partner_id": partner,
                "commercial_partner_id": partner,
                "partner_shipping_id": partner,
                "payment_reference": sql.SQL("'BENCH/' || (%(base)s + g)"),
                "sequence_prefix": sql.SQL("'BENCH/'"),
                "sequence_number": sql.SQL("%(base)s + g"),
                "payment_state": sql.SQL("'paid'"),
                "loyalty_synced": sql.SQL("FALSE"),
                "loyalty_counted_amount": sql.SQL("0"),
                "loyalty_points": sql.SQL("0"),
                "loyalty_seq": sql.SQL("0"),
                "inalterable_hash": sql.SQL("NULL"),
                "secure_sequence_number": sql.SQL("NULL"),
            }
            self._copy(cr, "account_move", move_over, "id = %(template)s", base, count)
            line_over = {
                "move_id": sql.SQL("%(base)s + g"),
                "move_name": sql.SQL("'BENCH/' || (%(base)s + g)"),
                "partner_id": partner,
                "reconciled": sql.SQL("FALSE"),
                "full_reconcile_id": sql.SQL("NULL"),
                "matching_number": sql.SQL("NULL"),
            }
            self._copy(cr, "account_move_line", line_over, "move_id = %(template)s", base, count)
            cr.execute("ANALYZE account_move")
            cr.execute("ANALYZE account_move_line")
            cr.commit()
        return base + 1, base + count

    def _copy(self, cr, table, overrides, where, base, count):
        from psycopg2 import sql

        # A line's id comes from its sequence; a move's id is given.
        columns = [c for c in self._columns(cr, table) if c != "id" or "id" in overrides]
        select = [overrides.get(c, sql.Identifier(c)) for c in columns]
        query = sql.SQL(
            "INSERT INTO {table} ({columns}) SELECT {select} FROM {table}, generate_series(1, %(count)s) g"
            " WHERE {where}"
        ).format(
            table=sql.Identifier(table),
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            select=sql.SQL(", ").join(select),
            where=sql.SQL(where),
        )
        cr.execute(
            query.as_string(cr._obj),
            {
                "base": base,
                "count": count,
                "template": self.template_id,
                "partners": self.partner_ids,
            },
        )

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------
    def engine(self, env):
        accrual = env["clinic.loyalty.accrual"]
        pending = accrual._pending_count()
        accrual._cron_accrue()  # exactly what the nightly job runs
        return pending

    def naive(self, env):
        """The same work, one invoice at a time through the ORM."""
        company = env["res.company"].browse(self.company_id)
        Account = env["clinic.loyalty.account"]
        spp = round(company.loyalty_spend_per_point * 100)
        invoices = env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("loyalty_synced", "=", False),
                ("state", "=", "posted"),
                ("payment_state", "in", ("paid", "in_payment")),
            ],
            order="id",
        )
        for done, invoice in enumerate(invoices, 1):
            amount = -sum(
                line.balance
                for line in invoice.invoice_line_ids
                if line.product_id.product_tmpl_id.loyalty_eligible
            )
            points = round(amount * 100) // spp
            account_id = Account._account_for(invoice.commercial_partner_id, company).id
            Account._post_entries(
                [
                    {
                        "account_id": account_id,
                        "points": points,
                        "kind": "accrual",
                        "amount": amount,
                        "key": f"account.move:{invoice.id}:1",
                        "res_model": "account.move",
                        "res_id": invoice.id,
                        "source_name": invoice.name,
                    }
                ]
            )
            invoice.write(
                {
                    "loyalty_synced": True,
                    "loyalty_counted_amount": amount,
                    "loyalty_points": points,
                    "loyalty_seq": 1,
                }
            )
            if done % 500 == 0:
                env.cr.commit()
        return len(invoices)

    def check(self, first_id, last_id, expected_points):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT count(*), COALESCE(sum(points), 0) FROM clinic_loyalty_entry
                    WHERE res_model = 'account.move' AND res_id BETWEEN %s AND %s""",
                [first_id, last_id],
            )
            entries, points = cr.fetchone()
            drift = self.env(cr)["clinic.loyalty.account"]._check_drift()
        count = last_id - first_id + 1
        assert entries == count, f"{entries} entries for {count} invoices"
        assert points == count * expected_points, f"{points} points for {count} invoices"
        assert not drift, f"balances drifted: {drift[:5]}"


def main():
    parser = arg_parser(__doc__, "invoice counts for the timed engine runs", traced="invoice")
    parser.add_argument("--naive", type=int, default=2000, help="invoice count for the naive loop")
    parser.add_argument("--partners", type=int, default=5000)
    args = parser.parse_args()

    bench = Bench(open_registry(args.db, args.config), args.partners)

    print(f"Preparing {args.partners:,} clients and a paid template invoice ...", flush=True)
    bench.prepare()
    rows = []
    # Timed runs without tracemalloc (it slows Python down about five times),
    # then the same work under tracemalloc on fresh invoices, for memory.
    runs = timed_then_traced(args.sizes, args.trace_sizes)
    for count, trace in runs:
        started = time.perf_counter()
        first, last = bench.make_invoices(count)
        print(
            f"  fixture: {count:,} paid invoices copied in {time.perf_counter() - started:.1f} s", flush=True
        )
        result = bench.measure(bench.engine, count, trace=trace)
        bench.check(first, last, expected_points=3)
        rows.append(("engine (traced)" if trace else "engine", result))
        print(
            f"  engine{' under tracemalloc' if trace else ''}: {count:,} invoices in "
            f"{result['seconds']:.1f} s",
            flush=True,
        )
    first, last = bench.make_invoices(args.naive)
    naive = bench.measure(bench.naive, args.naive, trace=False)
    bench.check(first, last, expected_points=3)
    rows.append(("naive ORM loop", naive))
    print(f"  naive ORM loop: {args.naive:,} invoices in {naive['seconds']:.1f} s", flush=True)

    print_runs(rows, "invoices")

    engine_rows = [r for name, r in rows if name == "engine"]
    traced_rows = [r for name, r in rows if name == "engine (traced)"]
    largest = max(engine_rows, key=lambda r: r["n"])
    ratio = largest["rate"] / naive["rate"]
    checks = [
        speed_100k("100,000 invoices", engine_rows, TARGET_SECONDS_100K),
        (
            f">= {TARGET_RATIO:.0f}x the naive ORM loop",
            ratio >= TARGET_RATIO,
            f"{ratio:.1f}x ({largest['rate']:,.0f} vs {naive['rate']:,.0f} invoices/s)",
        ),
        queries_per_1000("invoices", engine_rows, TARGET_QUERIES_PER_1000),
    ]
    checks.append(memory_flat(traced_rows))
    return print_targets(checks)


if __name__ == "__main__":
    sys.exit(main())
