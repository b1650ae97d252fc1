#!/usr/bin/env bash
# Prints the Odoo 18.0 source tree to use: $ODOO_SRC, else /opt/odoo, else a
# shallow clone of the official 18.0 branch into .odoo/.
source "$(dirname "$0")/lib.sh"

src="${ODOO_SRC:-}"
if [ -z "$src" ]; then
    if [ -d /opt/odoo ]; then src=/opt/odoo
    else
        src="$ROOT/.odoo"
        if [ ! -f "$src/odoo/release.py" ]; then
            log "Cloning Odoo $ODOO_BRANCH into $src"
            rm -rf "$src"
            git clone --depth 1 --branch "$ODOO_BRANCH" "$ODOO_REPO_URL" "$src" >&2 \
                || die "could not clone $ODOO_REPO_URL; set ODOO_SRC to an Odoo $ODOO_BRANCH source tree"
        fi
    fi
fi
release="$src/odoo/release.py"
[ -f "$release" ] || die "ODOO_SRC=$src is not an Odoo source tree (no odoo/release.py). \
Set ODOO_SRC to a checkout of Odoo $ODOO_BRANCH Community, or unset it to use /opt/odoo or a fresh clone."
grep -qE '^version_info = \(18, 0,' "$release" || die "ODOO_SRC=$src is not Odoo $ODOO_BRANCH \
($(grep -m1 '^version_info' "$release")). Point ODOO_SRC at an Odoo $ODOO_BRANCH Community tree."
cd "$src" && pwd
