"""The nightly points expiry killed (SIGKILL) in the middle of a large run,
then run again: every lot expires exactly once, every balance equals the sum
of its entries."""

import os
import signal
import time

import pytest

from . import builders, expiry_builders, metrics
from .conftest import start_job

N_ACCOUNTS = int(os.environ.get("SYSTEM_EXPIRY_ACCOUNTS", "20000"))
BATCH = 500


@pytest.fixture
def expiring_clinic(server_env):
    """A clinic whose points expire after 12 months, N_ACCOUNTS clients with
    three lots each, two of them expired."""
    with server_env() as env:
        company, _service, _reward = builders.make_clinic(env)
        company.loyalty_expiry_months = 12
        env.cr.commit()
        expiry_builders.make_accounts(env, company, N_ACCOUNTS, f"Expiry {company.id}-")
        return company.id


def _wait_for_progress(server_env, company_id, proc, minimum):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with server_env() as env:
            entries = expiry_builders.expiry_figures(env, company_id)[0]
        if entries >= minimum:
            return entries
        if proc.poll() is not None:
            pytest.fail(f"the expiry finished before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.05)
    pytest.fail("the expiry made no progress within 180 s")


def test_expiry_killed_mid_run_then_rerun(server_db, server_env, expiring_clinic):
    scenario = metrics.Scenario(f"expiry SIGKILLed mid-run ({N_ACCOUNTS} accounts, 3 lots each)")
    proc = start_job("expiry", server_db, batch_size=BATCH)
    done = _wait_for_progress(server_env, expiring_clinic, proc, minimum=2 * BATCH)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with server_env() as env:
        interrupted = expiry_builders.expiry_figures(env, expiring_clinic)[0]
    assert done <= interrupted < N_ACCOUNTS, "the job was killed halfway"
    assert interrupted % BATCH == 0, "a killed batch leaves nothing behind: only whole batches are committed"

    rerun = start_job("expiry", server_db, batch_size=BATCH)
    with scenario.request():
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    again = start_job("expiry", server_db, batch_size=BATCH)
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert again.stdout.read().strip() == "expired 0", "a third run finds nothing left to expire"

    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        metrics.record(scenario)
        entries, accounts, points, live_expired = expiry_builders.expiry_figures(env, expiring_clinic)
        assert (entries, accounts) == (N_ACCOUNTS, N_ACCOUNTS), "one expiry entry per account"
        assert points == N_ACCOUNTS * expiry_builders.EXPIRES, "each lot expired exactly once"
        assert live_expired == 0, "nothing expired is left undrawn"
        assert expiry_builders.lots_expired_once(env, expiring_clinic) == []
        env.cr.execute(
            "SELECT count(*), min(balance), max(balance) FROM clinic_loyalty_account WHERE company_id = %s",
            [expiring_clinic],
        )
        assert env.cr.fetchone() == (N_ACCOUNTS, expiry_builders.LEFT, expiry_builders.LEFT)
        assert env["clinic.loyalty.account"]._check_drift() == []
        assert env["clinic.loyalty.account"]._check_lot_drift() == []
