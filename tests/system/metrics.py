"""Per-scenario figures (requests, failures, latency, ledger drift), printed
as one table at the end of the run by tests/system/conftest.py."""

import statistics
import time
from contextlib import contextmanager

ROWS = []


class Scenario:
    def __init__(self, name):
        self.name = name
        self.latencies = []
        self.failures = 0
        self.drift = None

    @contextmanager
    def request(self, expected_errors=()):
        """Times one request; an exception counts as a failure unless expected."""
        start = time.perf_counter()
        try:
            yield
        except expected_errors:
            raise
        except Exception:
            self.failures += 1
            raise
        finally:
            self.latencies.append(time.perf_counter() - start)

    def row(self):
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0.0
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000 if lat else 0.0
        return (self.name, len(lat), self.failures, p50, p95, self.drift)


def record(scenario):
    ROWS.append(scenario.row())


def table():
    lines = [
        f"{'scenario':<48} {'requests':>8} {'failures':>8} {'p50 ms':>8} {'p95 ms':>8} {'drift':>6}",
    ]
    for name, requests, failures, p50, p95, drift in ROWS:
        drift_text = "-" if drift is None else str(drift)
        lines.append(f"{name:<48} {requests:>8} {failures:>8} {p50:>8.1f} {p95:>8.1f} {drift_text:>6}")
    return "\n".join(lines)
