#!/usr/bin/env bash
# Everything `make run` and `make test` need: PostgreSQL, the venv, odoo.conf.
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/odoo_src.sh" >/dev/null
PGPORT="$("$ROOT/scripts/setup_postgres.sh")"
[[ "$PGPORT" =~ ^[0-9]+$ ]] || die "setup_postgres.sh printed '$PGPORT', not a port"
export PGPORT
"$ROOT/scripts/setup_venv.sh"
"$ROOT/scripts/write_conf.sh"
