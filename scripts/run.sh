#!/usr/bin/env bash
# `make run`: serves the demo clinic at http://127.0.0.1:$ODOO_PORT.
source "$(dirname "$0")/lib.sh"
DB="$DEMO_DB"
port_free_or_die "$ODOO_PORT"
"$ROOT/scripts/setup.sh"
# Upgrade only when the addons changed since the last run, so a second run serves in seconds.
addons_hash="$(cd "$ROOT" && find addons -type f -not -path '*/__pycache__/*' -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)"
stamp="$ROOT/var/$DB.addons-hash"
if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
    if [ "$(cat "$stamp" 2>/dev/null)" != "$addons_hash" ]; then
        log "Upgrading the addons in $DB (their code changed)"
        "$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$DB" -u "$ADDONS" --stop-after-init \
            || die "upgrading the addons failed: see var/log/odoo.log"
    fi
else
    log "Creating $DB with demo data (first run only, a few minutes)"
    fresh_db "$DB" "$ROOT/var/log/odoo.log"
    if ! "$PY" "$ROOT/scripts/demo_post_install.py" "$DB" "$ODOO_CONF"; then
        dropdb --if-exists --force "$DB"
        die "preparing the demo in $DB failed (dropped it so the next run starts clean): see var/log/odoo.log"
    fi
fi
echo "$addons_hash" >"$stamp"
# Building takes minutes: something may have taken the port meanwhile.
port_free_or_die "$ODOO_PORT" "taken while $DB was being prepared; $DB is ready, the next run serves in seconds"
# The client's phone: a fake SMS gateway on a free loopback port, stopped
# with the server. Only this demo database is pointed at it (sms.endpoint).
gateway_out="$ROOT/var/$DB.sms-gateway"
"$PY" "$ROOT/scripts/sms_gateway.py" >"$gateway_out" &
gateway_pid=$!
trap 'kill "$gateway_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    gateway_url="$(head -n1 "$gateway_out" 2>/dev/null || true)"
    [ -n "$gateway_url" ] && break
    kill -0 "$gateway_pid" 2>/dev/null || die "the client's phone (scripts/sms_gateway.py) did not start"
    sleep 0.1
done
[ -n "$gateway_url" ] || die "the client's phone (scripts/sms_gateway.py) did not start"
"$PY" "$ROOT/scripts/demo_phone.py" "$DB" "$ODOO_CONF" "$gateway_url" \
    || die "pointing $DB at the client's phone failed: see var/log/odoo.log"
cat <<MSG

  The demo clinic is served at  http://127.0.0.1:$ODOO_PORT
  Back office login:            admin / admin
  Portal client login:          portal / portal
  Point of sale:                http://127.0.0.1:$ODOO_PORT/pos/ui
  Client portal:                http://127.0.0.1:$ODOO_PORT/my/loyalty
  The client's phone (SMS):     $gateway_url   (read the one-time codes there)
  Log file:                     $ROOT/var/log/odoo.log   (Ctrl-C stops the server)

MSG
# Not exec: when the server stops (Ctrl-C), the EXIT trap stops the phone.
"$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$DB" --db-filter="^$DB\$"
