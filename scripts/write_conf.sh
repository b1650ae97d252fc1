#!/usr/bin/env bash
# Writes odoo.conf (git-ignored): Odoo's addons + ours, loopback only, a log file.
source "$(dirname "$0")/lib.sh"
src="$("$ROOT/scripts/odoo_src.sh")"
pg_port="${PGPORT:-5432}"
mkdir -p "$ROOT/var/log" "$ROOT/var/data"
cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $src/odoo/addons,$ROOT/addons
data_dir = $ROOT/var/data
db_host = False
db_port = $pg_port
db_user = $(id -un)
http_interface = 127.0.0.1
http_port = $ODOO_PORT
gevent_port = $((ODOO_PORT + 3))
logfile = $ROOT/var/log/odoo.log
log_level = info
list_db = True
without_demo = False
CONF
