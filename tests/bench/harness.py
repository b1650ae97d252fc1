"""What the benchmarks share to run their work (not a benchmark itself:
`make bench` runs the ``bench_*.py`` files only)."""

import gc
import resource
import time
import tracemalloc


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
