#!/usr/bin/env bash
# `make lint`: ruff (lint + format check), pylint-odoo mandatory checks,
# prettier on XML/JS. Non-zero on any finding.
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup_venv.sh"
cd "$ROOT"
rc=0
log "ruff check";  "$VENV/bin/ruff" check --no-fix addons tests scripts || rc=1
log "ruff format"; "$VENV/bin/ruff" format --check addons tests scripts || rc=1
log "pylint-odoo (mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory addons/* || rc=1
command -v npm >/dev/null || apt_install nodejs npm
# Prettier and its XML plugin, pinned by package-lock.json.
[ -x node_modules/.bin/prettier ] || npm ci --no-audit --no-fund --silent >/dev/null
log "prettier (XML, JS)"
node_modules/.bin/prettier --plugin=@prettier/plugin-xml --check \
    "addons/**/*.xml" "addons/**/static/src/**/*.js" "addons/**/static/tests/**/*.js" || rc=1
exit "$rc"
