"""PMS import on separate, committed connections: one import at a time per
profile, and an import racing the accrual engine loses nothing.

Each test commits its own clinic under a unique name and leaves it switched
Off (ledger entries cannot be deleted).
"""

import io
import os
import tempfile
import uuid

import pytest

from odoo.exceptions import UserError

HEADER = (
    "invoice_number,date,status,client_id,client_name,phone,email,code,description,quantity,amount,patient\n"
)


@pytest.fixture
def pms_data(new_env):
    tag = uuid.uuid4().hex[:10]
    with new_env() as env:
        company = env["res.company"].create({"name": f"PMS race clinic {tag}"})
        # The files are dated March 2026: the programme started before.
        company.write(
            {
                "loyalty_status": "test",
                "loyalty_earning_mode": "per_transaction",
                "loyalty_start_date": "2026-01-01",
            }
        )
        env["product.product"].create(
            {
                "name": "Exam",
                "default_code": f"EX{tag}",
                "type": "service",
                "company_id": company.id,
                "loyalty_eligible": True,
            }
        )
        partner = env["res.partner"].create({"name": f"Client {tag}", "email": f"pms-{tag}@example.com"})
        profile = env["clinic.loyalty.pms.profile"].create(
            {
                "name": f"Race {tag}",
                "company_id": company.id,
                "preset_id": env.ref("clinic_loyalty_pms_import.pms_preset_generic").id,
            }
        )
        data = {"tag": tag, "company": company.id, "partner": partner.id, "profile": profile.id}
    yield data
    with new_env() as env:
        env["res.company"].browse(data["company"]).loyalty_status = "off"


def _csv(data, amount):
    tag = data["tag"]
    return (
        HEADER + f"R-{tag},2026-03-01,,C-{tag},Client,,pms-{tag}@example.com,EX{tag},,1,{amount},\n"
    ).encode()


def _balance(env, data):
    account = env["clinic.loyalty.account"].search(
        [("partner_id", "=", data["partner"]), ("company_id", "=", data["company"])]
    )
    return account.balance


def test_one_import_at_a_time_per_profile(new_env, pms_data):
    with tempfile.TemporaryDirectory() as folder, new_env() as env_a, new_env() as env_b:
        env_a["clinic.loyalty.pms.profile"].browse(pms_data["profile"]).drop_folder = folder
        env_a.cr.commit()
        env_a["clinic.loyalty.pms.profile"].browse(pms_data["profile"])._lock_for_import()  # A is importing
        with pytest.raises(UserError, match="already being imported"):
            env_b["clinic.loyalty.pms.profile"].browse(pms_data["profile"])._import_drop_folder()
        assert set(os.listdir(folder)) == {"processed", "failed"}


def test_import_racing_the_accrual_loses_nothing(new_env, pms_data):
    with new_env() as env:
        profile = env["clinic.loyalty.pms.profile"].browse(pms_data["profile"])
        env["clinic.loyalty.pms.import"]._import_file(profile, io.BytesIO(_csv(pms_data, "100")), "a.csv")
    with new_env() as env:
        env["clinic.loyalty.accrual"]._run_accrual()
        assert _balance(env, pms_data) == 10
    with new_env() as importer, new_env() as accrual:
        # The re-import holds the invoice's row while the nightly accrual runs.
        profile = importer["clinic.loyalty.pms.profile"].browse(pms_data["profile"])
        importer["clinic.loyalty.pms.import"]._import_file(
            profile, io.BytesIO(_csv(pms_data, "250")), "b.csv"
        )
        accrual["clinic.loyalty.accrual"]._run_accrual()  # skips the locked invoice, does not block
        accrual.cr.commit()
        assert _balance(accrual, pms_data) == 10
    with new_env() as env:  # the next run picks up the committed change
        env["clinic.loyalty.accrual"]._run_accrual()
        assert _balance(env, pms_data) == 25
        assert env["clinic.loyalty.account"]._check_drift() == []
