#!/usr/bin/env bash
# `make pot`: rewrites each addon's translation template (i18n/<addon>.pot)
# from a fresh database with the four addons installed.
source "$(dirname "$0")/lib.sh"
DB="$POT_DB"
"$ROOT/scripts/setup.sh"
fresh_db "$DB" "$ROOT/var/log/pot.log" --without-demo=all
for addon in ${ADDONS//,/ }; do
    log "Exporting $addon/i18n/$addon.pot"
    "$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$DB" --modules="$addon" --stop-after-init \
        --i18n-export="$ROOT/addons/$addon/i18n/$addon.pot" --logfile "$ROOT/var/log/pot.log"
done
dropdb --if-exists --force "$DB"
