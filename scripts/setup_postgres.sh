#!/usr/bin/env bash
# Ensures a PostgreSQL server listens on loopback and the current user has a
# superuser role in it. Safe to run again while the server is up.
source "$(dirname "$0")/lib.sh"

# Prints the port, and only the port, on stdout: the caller captures it.
# Everything else runs with stdout sent to stderr (pg_ctlcluster, for one,
# prints "Removed stale pid file." after an unclean shutdown), and no extra
# descriptor is opened, so the server started here holds no end of the
# caller's pipe (the caller would wait on it forever).
ensure_server() {
    command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ] || apt_install postgresql
    cluster="$(pg_lsclusters -h | sort -k1,1V | tail -n1)"
    read -r ver name port status _ <<<"$cluster"
    if [ "$status" != online ]; then
        conf="/etc/postgresql/$ver/$name/postgresql.conf"
        grep -q "^listen_addresses = 'localhost'" "$conf" ||
            as_root sh -c "echo \"listen_addresses = 'localhost'\" >> '$conf'"
        # A server killed without a shutdown leaves its socket lock behind, and
        # PostgreSQL refuses to start while it names a PID: drop it if that PID is gone.
        lock="/var/run/postgresql/.s.PGSQL.$port.lock"
        if [ -f "$lock" ] && ! ps -p "$(head -n1 "$lock")" >/dev/null; then
            log "Removing the stale socket lock $lock"
            as_root rm -f "$lock" "/var/run/postgresql/.s.PGSQL.$port"
        fi
        log "Starting PostgreSQL $ver/$name on 127.0.0.1:$port"
        as_root pg_ctlcluster "$ver" "$name" start
    fi
    me="$(id -un)"
    if ! as_root su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$me'\"" | grep -q 1; then
        log "Creating PostgreSQL role $me"
        as_root su postgres -c "createuser -p $port --superuser '$me'"
    fi
    # Peer auth is used over the local socket; make sure `psql postgres` works.
    psql -p "$port" -d postgres -tAc 'SELECT 1' >/dev/null || die "cannot connect to PostgreSQL as $me"
}

ensure_server >&2
echo "$port"
