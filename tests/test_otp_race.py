"""Spending a client's points from two terminals at once (clinic_loyalty_otp).

Each test commits its own clinic, client, cashier and account under unique
names (ledger entries cannot be deleted) and switches the clinic Off at the
end. The transactions run on separate connections, all opened before any of
them acts, so the row locks (account, challenge) are what decide.
"""

import uuid
from unittest.mock import patch

import pytest

from odoo import fields

from odoo.addons.clinic_loyalty.tests.common import account_with_points, new_user

from .race import books, run_concurrently

pytest.importorskip("odoo.addons.clinic_loyalty_otp")

from odoo.addons.clinic_loyalty_otp.models.loyalty_otp_challenge import (  # noqa: E402
    ClinicLoyaltyOtpChallenge,
)
from odoo.addons.sms.tools.sms_api import SmsApi  # noqa: E402

WORKERS = 4
CODE = "271828"


@pytest.fixture
def otp_data(new_env):
    tag = uuid.uuid4().hex[:10]
    with new_env() as env:
        if "loyalty_otp_required" not in env["res.company"]._fields:
            pytest.skip("clinic_loyalty_otp is not installed in the test database")
        be = env.ref("base.be")
        company = env["res.company"].create({"name": f"OTP race clinic {tag}", "country_id": be.id})
        env["product.template"].create(
            {
                "name": f"OTP race consultation {tag}",
                "type": "service",
                "loyalty_eligible": True,
                "company_id": company.id,
            }
        )
        reward = env["clinic.loyalty.reward"].create(
            {
                "name": f"OTP race reward {tag}",
                "points_cost": 60,
                "value": 15.0,
                "company_id": company.id,
            }
        )
        company.loyalty_status = "on"
        partner = env["res.partner"].create(
            {
                "name": f"OTP race client {tag}",
                "mobile": "+32 470 12 34 56",
                "country_id": be.id,
            }
        )
        cashier = new_user(env, f"otp-race-{tag}", "front_desk", company, name=f"OTP race cashier {tag}")
        account_id = account_with_points(
            env, partner, company, 100, f"otp-race:{tag}:seed", reason="race test"
        ).id
        data = {
            "tag": tag,
            "company": company.id,
            "reward": reward.id,
            "partner": partner.id,
            "account": account_id,
            "uid": cashier.id,
        }
    yield data
    with new_env() as env:
        env["res.company"].browse(data["company"]).loyalty_status = "off"


def _fake_provider(sent):
    def _send_sms_batch(self, messages, delivery_reports_url=False):
        results = []
        for message in messages:
            for number in message["numbers"]:
                sent.append((number["number"], message["content"]))
                results.append({"uuid": number["uuid"], "state": "success", "credit": 1})
        return results

    return _send_sms_batch


def test_one_verified_code_spent_once_from_two_terminals(registry, new_env, otp_data):
    """The real flow on committed connections: the SMS leaves after COMMIT,
    then several terminals replay the same verified code at once."""
    with new_env() as env:  # enough points for every terminal: only the code may stop them
        env["clinic.loyalty.account"]._post_entries(
            [
                {
                    "account_id": otp_data["account"],
                    "points": 100,
                    "kind": "adjustment",
                    "key": f"otp-race:{otp_data['tag']}:top-up",
                    "reason": "race test",
                }
            ]
        )
    sent = []
    with (
        patch.object(ClinicLoyaltyOtpChallenge, "_generate_code", return_value=CODE),
        patch.object(SmsApi, "_send_sms_batch", _fake_provider(sent)),
    ):
        with new_env(uid=otp_data["uid"]) as env:
            data = env["clinic.loyalty.otp.challenge"].otp_request(otp_data["partner"], otp_data["reward"])
            assert not sent, "nothing is sent before the transaction commits"
        assert [number for number, _body in sent] == ["+32470123456"]
        assert CODE in sent[0][1]
        with new_env(uid=otp_data["uid"]) as env:
            assert env["clinic.loyalty.otp.challenge"].otp_verify(data["id"], CODE)["state"] == "verified"

    def spend(env, i):
        account = env["clinic.loyalty.account"].browse(otp_data["account"])
        challenge = env["clinic.loyalty.otp.challenge"].sudo().browse(data["id"])
        account._redeem(60, "race", f"otp-race:{otp_data['tag']}:{i}", consent="staff", challenge=challenge)

    outcomes = run_concurrently(registry, otp_data["uid"], spend, WORKERS)

    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or "already used" in o for o in outcomes), outcomes
    with new_env() as env:
        assert books(env, otp_data["account"]) == (140, 140)
        assert env["clinic.loyalty.otp.challenge"].browse(data["id"]).state == "used"
        env.cr.execute("SELECT count(*) FROM sms_sms WHERE body LIKE %s", [f"%{CODE}%"])
        assert env.cr.fetchone()[0] == 0, "the code is not kept in sms_sms"


def test_two_verified_codes_cannot_overspend_the_balance(registry, new_env, otp_data):
    """Two verified codes (two terminals, 60 points each) on a 100-point
    balance: the account row lock lets exactly one through."""
    with new_env() as env:
        account = env["clinic.loyalty.account"].browse(otp_data["account"])
        phone = account._otp_phone_e164()
        now = fields.Datetime.now()
        challenges = env["clinic.loyalty.otp.challenge"].create(
            [
                {
                    "company_id": otp_data["company"],
                    "account_id": otp_data["account"],
                    "partner_id": otp_data["partner"],
                    "phone": phone,
                    "points": 60,
                    "value": 15.0,
                    "reward_id": otp_data["reward"],
                    "user_id": otp_data["uid"],
                    "state": "verified",
                    "verified_at": now,
                    "expires_at": now,
                }
                for _i in range(2)
            ]
        )
        ids = challenges.ids

    def spend(env, i):
        account = env["clinic.loyalty.account"].browse(otp_data["account"])
        challenge = env["clinic.loyalty.otp.challenge"].sudo().browse(ids[i])
        account._redeem(60, "race", f"otp-race:{otp_data['tag']}:b{i}", consent="staff", challenge=challenge)

    outcomes = run_concurrently(registry, otp_data["uid"], spend, 2)

    assert outcomes.count("ok") == 1, outcomes
    assert any(o.startswith("Not enough points") for o in outcomes), outcomes
    with new_env() as env:
        assert books(env, otp_data["account"]) == (40, 40)
        states = sorted(env["clinic.loyalty.otp.challenge"].browse(ids).mapped("state"))
        assert states == ["used", "verified"], "the refused code was not consumed"
