#!/usr/bin/env bash
# `make bench`: a fresh database with the addons (no demo data), then every
# benchmark in tests/bench/ (bench_*.py, never collected by pytest).
# BENCH_DB overrides the database name (clinic_bench).
source "$(dirname "$0")/lib.sh"
DB="${BENCH_DB:-clinic_bench}"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
# The three addons, or those of them that exist yet (at least clinic_loyalty).
addons=()
for addon in ${ADDONS//,/ }; do
    [ -f "addons/$addon/__manifest__.py" ] && addons+=("$addon")
done
[ ${#addons[@]} -gt 0 ] || die "no addon to benchmark under addons/"
install="$(IFS=,; echo "${addons[*]}")"
mkdir -p "$ROOT/var/log"
log "Creating a fresh benchmark database $DB with $install"
dropdb --if-exists --force "$DB"
"$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$DB" -i "$install" --without-demo=all \
    --stop-after-init --logfile "$ROOT/var/log/bench-install.log" \
    || die "installing the addons failed: see var/log/bench-install.log"
rc=0
for bench in tests/bench/bench_*.py; do
    log "$bench"
    "$PY" "$bench" --db "$DB" --config "$ODOO_CONF" || rc=1
done
exit "$rc"
