#!/usr/bin/env bash
# Creates .venv with Odoo's requirements and the project's, reusing it while
# the requirement files are unchanged (stamp keyed on their hashes).
source "$(dirname "$0")/lib.sh"
src="$("$ROOT/scripts/odoo_src.sh")"

stamp="$VENV/.stamp"
key="$(cat "$src/requirements.txt" "$ROOT"/requirements*.txt | sha256sum | cut -c1-16)-$src"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && [ -x "$PY" ]; then
    exit 0
fi
# psycopg2-binary needs no headers; only the venv module must be there.
python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
log "Building the virtualenv in $VENV"
[ -x "$PY" ] || python3 -m venv "$VENV"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Odoo pins build from source with setup.py importing pkg_resources: keep
# setuptools < 80 in build environments. psycopg2-binary replaces psycopg2;
# python-ldap (needs system headers) is not used by these addons.
echo 'setuptools<80' >"$work/constraints.txt"
grep -viE '^(psycopg2|python-ldap)\b' "$src/requirements.txt" >"$work/odoo-req.txt"
export PIP_CONSTRAINT="$work/constraints.txt" PIP_DISABLE_PIP_VERSION_CHECK=1
"$PY" -m pip install -q 'setuptools<80' wheel
"$PY" -m pip install -q -r "$work/odoo-req.txt" -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
"$PY" -m pip install -q --no-deps --no-build-isolation -e "$src"
echo "$key" >"$stamp"
