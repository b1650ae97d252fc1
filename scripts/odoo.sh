#!/usr/bin/env bash
# Runs Odoo with the project's configuration: scripts/odoo.sh [odoo-bin args]
source "$(dirname "$0")/lib.sh"
[ -f "$ODOO_CONF" ] || "$ROOT/scripts/setup.sh"
exec "$PY" -m odoo -c "$ODOO_CONF" "$@"
