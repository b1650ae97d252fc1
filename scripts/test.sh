#!/usr/bin/env bash
# `make test`: a fresh database with the four addons, then every test.
# Extra arguments go to pytest (e.g. scripts/test.sh addons/clinic_loyalty -k ledger).
source "$(dirname "$0")/lib.sh"
DB="$TEST_DB"
"$ROOT/scripts/setup.sh"
apt_install chromium
fresh_db "$DB" "$ROOT/var/log/test-install.log" --without-demo=all
# The system tests (tests/system) serve a copy of it with several workers.
dropdb --if-exists --force "$TEST_SERVER_DB"
createdb -T "$DB" "$TEST_SERVER_DB"
rm -rf "$ROOT/var/data/filestore/$TEST_SERVER_DB"
[ -d "$ROOT/var/data/filestore/$DB" ] && cp -a "$ROOT/var/data/filestore/$DB" "$ROOT/var/data/filestore/$TEST_SERVER_DB"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(addons tests)
cd "$ROOT"
# Coverage of addons/ is printed by pytest-cov before pytest's closing summary
# line. pytest exits 5 when nothing was collected: that fails here too.
exec "$PY" -m pytest --odoo-config="$ODOO_CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn --cov=addons --cov-report=term:skip-covered "${targets[@]}"
