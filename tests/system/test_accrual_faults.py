"""Scenarios 2 and 3: the accrual job killed (SIGKILL) or cut off from
PostgreSQL in the middle of a large run, then run again: every invoice is
accrued exactly once and every balance equals the sum of its entries."""

import os
import signal
import subprocess
import time

import pytest

from . import builders, metrics
from .conftest import start_job

N_INVOICES = int(os.environ.get("SYSTEM_ACCRUAL_INVOICES", "4000"))


def _start_accrual(db, batch_size=300):
    return start_job("accrual", db, batch_size=batch_size)


def _accrued(env, company_id, model="account.move"):
    env.cr.execute(
        "SELECT count(DISTINCT res_id), count(*) FROM clinic_loyalty_entry WHERE company_id = %s "
        "AND res_model = %s",
        [company_id, model],
    )
    return env.cr.fetchone()


def _wait_for_progress(server_env, company_id, proc, minimum, model="account.move"):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with server_env() as env:
            docs, _entries = _accrued(env, company_id, model)
        if docs >= minimum:
            return docs
        if proc.poll() is not None:
            pytest.fail(f"the accrual finished before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.05)
    pytest.fail("the accrual made no progress within 120 s")


@pytest.fixture
def large_run(server_env):
    """A clinic with N_INVOICES paid invoices of 100.00 (10 points each) to accrue."""
    with server_env() as env:
        company, service, _reward = builders.make_clinic(env)
        partner = env["res.partner"].create({"name": "Template client"})
        template = builders.paid_invoice(env, company, partner, service, 100.0)
        partners = builders.make_partners(env, N_INVOICES - 1, f"Client {company.id}-")
        builders.clone_invoices(env, template, partners)
        return company.id


@pytest.fixture
def large_mixed_run(server_env):
    """A clinic whose clients each have a paid invoice of 100.00 (10 points)
    and a paid POS order of 50.00 (5 points): two sources in one run."""
    with server_env() as env:
        company, service, _reward = builders.make_clinic(env)
        partner = env["res.partner"].create({"name": "Template client"})
        template = builders.paid_invoice(env, company, partner, service, 100.0)
        partners = builders.make_partners(env, N_INVOICES - 1, f"Client {company.id}-")
        builders.clone_invoices(env, template, partners)
        cashiers, _password = builders.make_staff(
            env, company, 1, f"Cashier {company.id}", ["point_of_sale.group_pos_user"]
        )
        shop = builders.make_pos_shop(env, company, cashiers, f"k{company.id}")
        order = builders.paid_pos_order(env, company, shop, partner, cashiers)
        builders.clone_pos_orders(env, order, partners)
        return company.id


def _restart_postgresql():
    cluster = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    version, name = cluster.stdout.split()[:2]
    subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True, timeout=120)


def _assert_exactly_once(server_env, company_id, scenario):
    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        metrics.record(scenario)
        docs, entries = _accrued(env, company_id)
        assert (docs, entries) == (N_INVOICES, N_INVOICES), "every invoice accrued exactly once"
        env.cr.execute(
            "SELECT count(*), min(balance), max(balance) FROM clinic_loyalty_account WHERE company_id = %s",
            [company_id],
        )
        assert env.cr.fetchone() == (N_INVOICES, 10, 10)
        env.cr.execute(
            "SELECT count(*) FROM account_move WHERE company_id = %s AND move_type = 'out_invoice' "
            "AND NOT loyalty_synced",
            [company_id],
        )
        assert env.cr.fetchone()[0] == 0
        assert env["clinic.loyalty.account"]._check_drift() == []


def test_accrual_killed_mid_run_then_rerun(server_db, server_env, large_run):
    scenario = metrics.Scenario(f"2. accrual SIGKILLed mid-run ({N_INVOICES} invoices)")
    proc = _start_accrual(server_db)
    done = _wait_for_progress(server_env, large_run, proc, minimum=600)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with server_env() as env:
        interrupted, _ = _accrued(env, large_run)
    assert done <= interrupted < N_INVOICES, "the job was killed halfway"
    assert interrupted % 300 == 0, "a killed batch leaves nothing behind: only whole batches are committed"

    rerun = _start_accrual(server_db)
    with scenario.request():
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    _assert_exactly_once(server_env, large_run, scenario)


def test_accrual_with_pos_orders_killed_mid_run_then_rerun(server_db, server_env, large_mixed_run):
    scenario = metrics.Scenario(f"2b. accrual SIGKILLed amid POS orders ({N_INVOICES} invoices + orders)")
    proc = _start_accrual(server_db)
    done = _wait_for_progress(server_env, large_mixed_run, proc, minimum=600, model="pos.order")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with server_env() as env:
        interrupted, _ = _accrued(env, large_mixed_run, "pos.order")
        assert _accrued(env, large_mixed_run) == (N_INVOICES, N_INVOICES), "the invoices came first"
    assert done <= interrupted < N_INVOICES, "the job was killed halfway through the POS orders"
    assert interrupted % 300 == 0, "only whole batches are committed"

    rerun = _start_accrual(server_db)
    with scenario.request():
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        metrics.record(scenario)
        for model in ("account.move", "pos.order"):
            assert _accrued(env, large_mixed_run, model) == (N_INVOICES, N_INVOICES), model
        env.cr.execute(
            "SELECT count(*), min(balance), max(balance) FROM clinic_loyalty_account WHERE company_id = %s",
            [large_mixed_run],
        )
        assert env.cr.fetchone() == (N_INVOICES, 15, 15), "10 points per invoice + 5 per order, once"
        env.cr.execute(
            "SELECT count(*) FROM pos_order WHERE company_id = %s AND NOT loyalty_synced", [large_mixed_run]
        )
        assert env.cr.fetchone()[0] == 0
        assert env["clinic.loyalty.account"]._check_drift() == []


def test_database_connection_lost_mid_run_then_rerun(server_db, server_env, large_run):
    scenario = metrics.Scenario(
        "3. PostgreSQL " + ("restarted" if os.environ.get("SOAK") else "cut off") + " mid-run"
    )
    proc = _start_accrual(server_db)
    _wait_for_progress(server_env, large_run, proc, minimum=600)
    if os.environ.get("SOAK"):
        _restart_postgresql()
    else:
        # What a PostgreSQL restart does to the job: its connection is cut.
        _cut_connection(server_env, server_db, proc)
    assert proc.wait(timeout=120) != 0, "the job fails when its connection is lost"
    with server_env() as env:
        interrupted, _ = _accrued(env, large_run)
    assert interrupted < N_INVOICES

    rerun = _start_accrual(server_db)
    with scenario.request():
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    _assert_exactly_once(server_env, large_run, scenario)


def _cut_connection(server_env, server_db, proc):
    with server_env() as env:
        env.cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [server_db, f"odoo-{proc.pid}"],
        )
