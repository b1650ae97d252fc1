"""Scenario 4: a PMS import killed (SIGKILL) in the middle of a file: nothing
from that file is staged and the file stays in the drop folder; the rerun
imports it whole, and the accrual then credits every client once."""

import os
import signal
import time

import pytest

from . import builders, metrics
from .conftest import start_job

LINES = 120_000 if os.environ.get("SOAK") else 20_000
CLIENTS = 2_000
HEADER = (
    "invoice_number,date,status,client_id,client_name,phone,email,code,description,quantity,amount,patient\n"
)


def _write_export(path, company_id):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for n in range(LINES):
            client = n % CLIENTS
            f.write(
                f"K{company_id}-{n // 2},2026-03-14,paid,C{client},Client {company_id}-{client},,"
                f"client{company_id}.{client}@example.com,EXAM{company_id},Exam,1,25.00,Rex\n"
            )


@pytest.fixture
def drop_folder(server_env, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    with server_env() as env:
        company, _service, _reward = builders.make_clinic(env)
        env["product.product"].create(
            {
                "name": "Exam",
                "default_code": f"EXAM{company.id}",
                "type": "service",
                "company_id": company.id,
                "loyalty_eligible": True,
            }
        )
        env["res.partner"].create(
            [
                {"name": f"Client {company.id}-{n}", "email": f"client{company.id}.{n}@example.com"}
                for n in range(CLIENTS)
            ]
        )
        profile = env["clinic.loyalty.pms.profile"].create(
            {
                "name": "Nightly export",
                "company_id": company.id,
                "drop_folder": str(folder),
                "preset_id": env.ref("clinic_loyalty_pms_import.pms_preset_generic").id,
            }
        )
        path = folder / "export.csv"
        _write_export(path, company.id)
        past = time.time() - 3600  # settled: not a file still being written
        os.utime(path, (past, past))
        return folder, profile.id, company.id


def _start_import(db, profile_id):
    return start_job("pms-import", db, profile=profile_id)


def _staged(env, company_id):
    env.cr.execute(
        "SELECT count(*) FROM clinic_loyalty_pms_invoice_line l "
        "JOIN clinic_loyalty_pms_invoice i ON i.id = l.invoice_id WHERE i.company_id = %s",
        [company_id],
    )
    return env.cr.fetchone()[0]


def test_pms_import_killed_mid_file_then_rerun(server_db, server_env, drop_folder):
    folder, profile_id, company_id = drop_folder
    scenario = metrics.Scenario(f"4. PMS import SIGKILLed mid-file ({LINES} lines)")
    proc = _start_import(server_db, profile_id)
    deadline = time.monotonic() + 180
    staging = False
    while time.monotonic() < deadline and proc.poll() is None and not staging:
        with server_env() as env:
            env.cr.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                "AND query ILIKE '%%clinic_loyalty_pms_invoice%%'",
                [f"odoo-{proc.pid}"],
            )
            staging = env.cr.fetchone()[0] > 0
        time.sleep(0.02)
    assert staging and proc.poll() is None, "the import was caught while staging the file"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    with server_env() as env:
        assert _staged(env, company_id) == 0, "nothing from a killed import is staged"
    assert (folder / "export.csv").exists(), "the file waits in the drop folder for the next run"

    rerun = _start_import(server_db, profile_id)
    with scenario.request():
        out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert "export.csv:done" in out
    assert not (folder / "export.csv").exists()
    assert len(list((folder / "processed").iterdir())) == 2, "the file and its report"
    with server_env() as env:
        assert _staged(env, company_id) == LINES, "the rerun imports the file whole"
        env["clinic.loyalty.accrual"]._run_accrual(commit=False)
        env.cr.execute(
            "SELECT count(*), sum(points) FROM clinic_loyalty_entry WHERE company_id = %s",
            [company_id],
        )
        # Each invoice = 2 lines of 25.00 = 50.00 -> 5 points (per transaction).
        assert env.cr.fetchone() == (LINES // 2, 5 * (LINES // 2))
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
    metrics.record(scenario)
    assert scenario.drift == 0
