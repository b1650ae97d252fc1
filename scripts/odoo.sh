#!/usr/bin/env bash
# Runs Odoo with the project's configuration: scripts/odoo.sh [odoo-bin args]
source "$(dirname "$0")/lib.sh"
[ -f "$ODOO_CONF" ] || "$ROOT/scripts/setup.sh"
exec "$PY" "$ODOO_BIN" -c "$ODOO_CONF" "$@"
