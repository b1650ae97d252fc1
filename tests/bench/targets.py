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


def print_targets(checks, title=None):
    """Print each (label, ok, value) check; the exit code: 0 when all are met."""
    checks = [c for c in checks if c]
    print(title or "")
    for label, ok, value in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")
    return 0 if all(ok for _label, ok, _value in checks) else 1
