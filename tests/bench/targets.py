"""The targets every benchmark prints (not a benchmark itself: `make bench`
runs the ``bench_*.py`` files only)."""

TARGET_MEMORY_GROWTH = 1.5  # peak memory at the largest N / at the smallest N


def memory_flat(traced):
    """The "memory stays flat" check over rows with ``n`` and ``tracemalloc``
    (MB), or None with fewer than two sizes."""
    if len(traced) < 2:
        return None
    low = min(traced, key=lambda r: r["n"])
    high = max(traced, key=lambda r: r["n"])
    growth = high["tracemalloc"] / low["tracemalloc"]
    return (
        f"memory flat as N grows x{high['n'] // low['n']}",
        growth <= TARGET_MEMORY_GROWTH,
        f"tracemalloc peak {low['tracemalloc']:.1f} -> {high['tracemalloc']:.1f} MB (x{growth:.2f})",
    )


def speed_100k(label, rows, target, digits=1):
    """The "100,000 documents in <= ``target`` s" check: the largest run of
    ``rows`` (``n``, ``seconds``), extrapolated when it is not 100,000."""
    largest = max(rows, key=lambda r: r["n"])
    seconds = largest["seconds"] * 100_000 / largest["n"]
    return (
        f"{label} in <= {target:.0f} s",
        seconds <= target,
        f"{seconds:.{digits}f} s" + ("" if largest["n"] == 100_000 else " (extrapolated)"),
    )


def queries_per_1000(what, rows, target, digits=1):
    """The "<= ``target`` queries per 1,000 ``what``" check over ``rows``
    (``per1000``): the worst run."""
    worst = max(r["per1000"] for r in rows)
    return (f"<= {target:.0f} queries per 1,000 {what}", worst <= target, f"{worst:.{digits}f}")


def print_targets(checks, title=None):
    """Print each (label, ok, value) check; the exit code: 0 when all are met."""
    checks = [c for c in checks if c]
    print(title or "")
    for label, ok, value in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")
    return 0 if all(ok for _label, ok, _value in checks) else 1
