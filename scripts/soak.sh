#!/usr/bin/env bash
# `make soak`: the system scenarios of tests/system at full size (50 portal
# clients + 5 POS terminals for 60 s, larger accrual runs, a real PostgreSQL
# restart), on a fresh database. Prints the scenario table at the end.
source "$(dirname "$0")/lib.sh"
export SOAK=1 SYSTEM_ACCRUAL_INVOICES="${SYSTEM_ACCRUAL_INVOICES:-20000}"
exec "$ROOT/scripts/test.sh" tests/system "$@"
