#!/usr/bin/env bash
# `make bench`: a fresh database with the addons (no demo data), then every
# benchmark in tests/bench/ (bench_*.py, never collected by pytest).
# BENCH_DB overrides the database name (clinic_bench).
source "$(dirname "$0")/lib.sh"
DB="$BENCH_DB"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
fresh_db "$DB" "$ROOT/var/log/bench-install.log" --without-demo=all
rc=0
for bench in tests/bench/bench_*.py; do
    log "$bench"
    "$PY" "$bench" --db "$DB" --config "$ODOO_CONF" || rc=1
done
exit "$rc"
