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
ADDONS="clinic_loyalty,clinic_loyalty_otp,clinic_loyalty_pos,clinic_loyalty_pms_import"
# The project's databases, named once here (each overridable from the
# environment). `make clean` drops every one of them.
DEMO_DB="${DB:-clinic_demo}"
TEST_DB="${TEST_DB:-clinic_test}"
TEST_SERVER_DB="${TEST_DB}_server" # tests/system serve this copy of TEST_DB
BENCH_DB="${BENCH_DB:-clinic_bench}"
POT_DB="${POT_DB:-clinic_pot}"
PROJECT_DBS=("$DEMO_DB" "$TEST_DB" "$TEST_SERVER_DB" "$BENCH_DB" "$POT_DB")

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# `make run` checks its port before building and again before serving: a
# port taken while the database was being built ends in a sentence.
port_free_or_die() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
        die "port $1 is already in use${2:+ ($2)}: stop what listens there, or run with ODOO_PORT=<free port> make run"
    fi
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root rights are needed to run: $* (install sudo or run as root)"; fi
}

apt_install() {
    # Installs Debian packages; refreshes the package lists first when they
    # were never fetched, and once more if the install fails. apt's own
    # messages are shown: a failure here says why.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        as_root apt-get update -q || die "apt-get update failed (see above): cannot install ${missing[*]}"
    fi
    as_root apt-get install -y --no-install-recommends "${missing[@]}" && return 0
    log "apt-get install failed; refreshing the package lists and trying once more"
    as_root apt-get update -q || die "apt-get update failed (see above): cannot install ${missing[*]}"
    as_root apt-get install -y --no-install-recommends "${missing[@]}" \
        || die "could not install ${missing[*]} (apt's message is above)"
}

fresh_db() {
    # fresh_db DB LOGFILE [odoo args...]: drops DB, creates it with the four
    # addons installed (extra args: e.g. --without-demo=all), dies with the
    # log file's name when the install fails. Leaves no half-built DB behind.
    local db="$1" logfile="$2"
    shift 2
    mkdir -p "$(dirname "$logfile")"
    log "Creating a fresh database $db with $ADDONS"
    dropdb --if-exists --force "$db"
    if ! "$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$db" -i "$ADDONS" --stop-after-init \
        --logfile "$logfile" "$@"; then
        dropdb --if-exists --force "$db"
        die "installing the addons in $db failed: see $logfile"
    fi
}
