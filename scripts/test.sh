#!/usr/bin/env bash
# `make test`: a fresh database with the three addons, then every test.
# Extra arguments go to pytest (e.g. scripts/test.sh addons/clinic_loyalty -k ledger).
source "$(dirname "$0")/lib.sh"
DB="${TEST_DB:-clinic_test}"
"$ROOT/scripts/setup.sh"
apt_install chromium
log "Creating a fresh test database $DB"
dropdb --if-exists --force "$DB"
"$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$DB" -i "$ADDONS" --without-demo=all \
    --stop-after-init --logfile "$ROOT/var/log/test-install.log" \
    || die "installing the addons failed: see var/log/test-install.log"
# The system tests (tests/system) serve a copy of it with several workers.
dropdb --if-exists --force "${DB}_server"
createdb -T "$DB" "${DB}_server"
rm -rf "$ROOT/var/data/filestore/${DB}_server"
[ -d "$ROOT/var/data/filestore/$DB" ] && cp -a "$ROOT/var/data/filestore/$DB" "$ROOT/var/data/filestore/${DB}_server"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(addons tests)
cd "$ROOT"
# Coverage of addons/ is printed by pytest-cov before pytest's closing summary
# line. pytest exits 5 when nothing was collected: that fails here too.
exec "$PY" -m pytest --odoo-config="$ODOO_CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn --cov=addons --cov-report=term:skip-covered "${targets[@]}"
