#!/usr/bin/env bash
# `make clean`: drops the project's databases, the venv, generated files.
source "$(dirname "$0")/lib.sh"
for db in "${PROJECT_DBS[@]}"; do
    dropdb --if-exists --force "$db" 2>/dev/null || true
done
rm -rf "$VENV" "$ROOT/var" "$ODOO_CONF" "$ROOT/node_modules" "$ROOT/.coverage" "$ROOT/.hypothesis" "$ROOT/.ruff_cache"
log "Removed databases, .venv, var/, odoo.conf (the Odoo tree is left alone)"
