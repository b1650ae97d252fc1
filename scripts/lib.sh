# Shared helpers for the workspace scripts. Sourced, never run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
ODOO_BIN="$ROOT/scripts/odoo_bin.py"
ODOO_CONF="$ROOT/odoo.conf"
ODOO_PORT="${ODOO_PORT:-8069}"
ODOO_BRANCH=18.0
ODOO_REPO_URL="${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}"
ADDONS="clinic_loyalty,clinic_loyalty_otp,clinic_loyalty_pms_import"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root rights are needed to run: $* (install sudo or run as root)"; fi
}

apt_install() {
    # Installs Debian packages, refreshing the package lists once if needed.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y --no-install-recommends "${missing[@]}" 2>/dev/null || {
        as_root apt-get update -q
        as_root apt-get install -y --no-install-recommends "${missing[@]}"
    }
}
