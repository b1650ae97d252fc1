"""What the benchmarks share to run their work (not a benchmark itself:
`make bench` runs the ``bench_*.py`` files only)."""

import argparse
import gc
import logging
import resource
import time
import tracemalloc


def arg_parser(doc, sizes_help, traced=None):
    """The command line every benchmark takes: --db, --config and --sizes
    (comma-separated counts), and --trace-sizes (the counts of the runs
    under tracemalloc) when ``traced`` names them; a benchmark adds its own
    options."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default="odoo.conf")
    parser.add_argument("--sizes", default="10000,100000", help=sizes_help)
    if traced:
        parser.add_argument(
            "--trace-sizes",
            default="10000,100000",
            help=f"{traced} counts for the tracemalloc runs (empty: none)",
        )
    return parser


def sizes(text):
    """The counts of a comma-separated option ("10000,100000"; empty: none)."""
    return [int(count) for count in text.split(",") if count]


def timed_then_traced(sizes_text, trace_sizes_text):
    """(count, traced) of each run: the timed runs without tracemalloc (it
    slows Python down about five times), then the traced ones, for memory."""
    return [(count, False) for count in sizes(sizes_text)] + [
        (count, True) for count in sizes(trace_sizes_text)
    ]


def open_registry(db, config):
    """The registry of ``db`` with the configuration file ``config``, Odoo
    logging only warnings."""
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", config, "-d", db, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    return Registry(db)


def print_runs(rows, unit):
    """The table of measured runs [(method, figures of ``measure``)]; ``unit``:
    what the work counts (accounts, invoices)."""
    print()
    print(
        f"{'method':<17}{unit:>10}{'seconds':>9}{unit + '/s':>12}{'queries':>9}"
        f"{'q/1000':>9}{'tracemalloc MB':>16}{'peak RSS MB':>13}{'(+MB)':>7}{'RSS after +MB':>15}"
    )
    for name, r in rows:
        trace = f"{r['tracemalloc']:.1f}" if r["tracemalloc"] is not None else "-"
        print(
            f"{name:<17}{r['n']:>10,}{r['seconds']:>9.1f}{r['rate']:>12,.0f}{r['queries']:>9,}"
            f"{r['per1000']:>9.1f}{trace:>16}{r['rss_peak']:>13.0f}{r['rss_growth']:>7.1f}{r['rss_now']:>15.1f}"
        )


def rss_peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_now_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024.0 / 1024.0


class BenchHarness:
    """A benchmark on ``self.registry``: an environment as the cron has it,
    and one measured run of a piece of work."""

    def env(self, cr):
        from odoo import SUPERUSER_ID, api

        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})

    def measure(self, work, count, trace):
        """Run ``work(env)`` on a fresh cursor, counting statements; returns
        the figures for ``count`` documents. ``work`` commits its own batches."""
        gc.collect()
        rss_peak0, rss0 = rss_peak_mb(), rss_now_mb()
        if trace:
            tracemalloc.start()
        from odoo.addons.clinic_loyalty.tests.common import count_queries

        with self.registry.cursor() as cr, count_queries(cr) as counter:
            started = time.perf_counter()
            done = work(self.env(cr))
            cr.commit()
            elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1024.0 / 1024.0 if trace else None
        if trace:
            tracemalloc.stop()
        return {
            "n": count,
            "done": done,
            "seconds": elapsed,
            "rate": count / elapsed,
            "queries": counter.count,
            "per1000": counter.count * 1000.0 / count,
            "tracemalloc": peak,
            "rss_peak": rss_peak_mb(),
            "rss_growth": rss_peak_mb() - rss_peak0,
            "rss_now": rss_now_mb() - rss0,
        }
