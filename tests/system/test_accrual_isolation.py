"""Scenario: one clinic's bad document (an invoice worth more points than a
ledger can hold) does not stop the nightly run: the other documents of that
clinic and every other clinic accrue and get their daily journal entry; the
bad one waits in the accrual failures with its reason."""

from odoo import fields

from . import builders
from .conftest import start_job

MAX_POINTS = 2**31 - 1


def _entries(env, company_id, move_ids):
    env.cr.execute(
        "SELECT res_id, points FROM clinic_loyalty_entry WHERE company_id = %s "
        "AND res_model = 'account.move' AND res_id = ANY(%s) ORDER BY res_id",
        [company_id, move_ids],
    )
    return dict(env.cr.fetchall())


def test_nightly_run_goes_past_one_clinics_overflowing_invoice(server_db, server_env):
    with server_env() as env:
        clinic_a, service_a, _reward = builders.make_clinic(env)
        clinic_b, service_b, _reward = builders.make_clinic(env)
        (clinic_a | clinic_b).write({"loyalty_point_value": 0.01})
        alice, bob = env["res.partner"].create([{"name": "Alice overflow"}, {"name": "Bob overflow"}])
        good_a = builders.paid_invoice(env, clinic_a, alice, service_a, 100.0)
        # 3e10 of spend at 1 point per 10.00 (the default rate): 3e9 points, more than an int4.
        huge_a = builders.paid_invoice(env, clinic_a, bob, service_a, 3e10)
        good_b = [builders.paid_invoice(env, clinic_b, partner, service_b, 100.0) for partner in (alice, bob)]
        ids = {
            "a": clinic_a.id,
            "b": clinic_b.id,
            "good_a": good_a.id,
            "huge_a": huge_a.id,
            "good_b": [move.id for move in good_b],
            "spp": clinic_a.loyalty_spend_per_point,
        }
    assert 3e10 / ids["spp"] > MAX_POINTS, "the invoice must overflow at the clinic's rate"

    job = start_job("nightly", server_db)
    _out, err = job.communicate(timeout=600)
    assert job.returncode == 0, err
    # The nightly entry books what happened before the night it runs: the
    # accrual's entries of tonight are booked by the next night's run.
    job = start_job("next-night-books", server_db)
    _out, err = job.communicate(timeout=600)
    assert job.returncode == 0, err

    with server_env() as env:
        points_b = 100.0 // env["res.company"].browse(ids["b"]).loyalty_spend_per_point
        assert _entries(env, ids["b"], ids["good_b"]) == dict.fromkeys(
            ids["good_b"], points_b
        ), "clinic B accrued"
        assert _entries(env, ids["a"], [ids["good_a"], ids["huge_a"]]) == {ids["good_a"]: 100.0 // ids["spp"]}
        huge = env["account.move"].browse(ids["huge_a"])
        assert not huge.loyalty_synced, "the bad invoice stays pending for a later run"
        failures = env["clinic.loyalty.accrual.failure"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", ids["huge_a"])]
        )
        assert failures.state == "open"
        assert failures.company_id.id == ids["a"]
        assert str(MAX_POINTS) in failures.reason
        today = fields.Date.context_today(env["res.company"])
        for key in ("a", "b"):
            daily = env["clinic.loyalty.daily.move"].search([("company_id", "=", ids[key])])
            assert daily.move_id.state == "posted", f"clinic {key.upper()} has its daily journal entry"
            assert daily.date == today
        assert env["clinic.loyalty.account"]._check_drift() == []
