#!/usr/bin/env bash
# `make test`: a fresh database with the three addons, then every test.
# Extra arguments go to pytest (e.g. scripts/test.sh addons/clinic_loyalty -k ledger).
source "$(dirname "$0")/lib.sh"
DB="${TEST_DB:-clinic_test}"
"$ROOT/scripts/setup.sh"
apt_install chromium
log "Creating a fresh test database $DB"
dropdb --if-exists --force "$DB"
"$PY" -m odoo -c "$ODOO_CONF" -d "$DB" -i "$ADDONS" --without-demo=all \
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
set +e
"$VENV/bin/coverage" run --source=addons -m pytest --odoo-config="$ODOO_CONF" \
    --odoo-database="$DB" --odoo-http --odoo-log-level=warn "${targets[@]}"
rc=$?
set -e
"$VENV/bin/coverage" report --skip-empty --sort=cover | tail -n 25 || true
# pytest's exit 5 means nothing was collected: that is a failure here.
[ "$rc" = 5 ] && echo "no tests collected" >&2
exit "$rc"
