"""Portal reward requests racing on separate, committed connections.

Two (or more) clients' sessions ask for rewards on the same account at the
same moment: together they exceed the balance, so exactly one may win, the
balance never goes below zero and always equals the sum of its entries.
Each test commits its own clinic, client and account under unique names and
leaves them (ledger entries cannot be deleted), switching the clinic Off.
"""

import uuid

import pytest

from odoo.addons.clinic_loyalty.tests.common import account_with_points, new_user

from .race import books, run_concurrently

WORKERS = 4


@pytest.fixture
def race_data(new_env):
    tag = uuid.uuid4().hex[:10]
    with new_env() as env:
        company = env["res.company"].create({"name": f"Race clinic {tag}"})
        env["product.template"].create(
            {
                "name": f"Race consultation {tag}",
                "type": "service",
                "loyalty_eligible": True,
                "company_id": company.id,
            }
        )
        reward = env["clinic.loyalty.reward"].create(
            {"name": f"Race reward {tag}", "points_cost": 60, "company_id": company.id}
        )
        company.loyalty_status = "on"
        if "loyalty_otp_required" in company._fields:
            # The race is the core's row lock; codes at the portal are
            # clinic_loyalty_otp's (test_otp_portal).
            company.loyalty_otp_required = False
        partner = env["res.partner"].create(
            {"name": f"Race client {tag}", "email": f"race-{tag}@example.com"}
        )
        user = new_user(env, f"race-{tag}", "portal", company, partner_id=partner.id, name=partner.name)
        account_id = account_with_points(
            env, partner, company, 100, f"race:{tag}:seed", reason="race test"
        ).id
        data = {"company": company.id, "reward": reward.id, "account": account_id, "uid": user.id}
    yield data
    with new_env() as env:
        env["res.company"].browse(data["company"]).loyalty_status = "off"


def test_simultaneous_requests_exceeding_the_balance(registry, new_env, race_data):
    def request_reward(env, _i):
        account = env["clinic.loyalty.account"].sudo().browse(race_data["account"])
        reward = env["clinic.loyalty.reward"].sudo().browse(race_data["reward"])
        env["clinic.loyalty.reward.request"]._create_request(account, reward, "portal")

    outcomes = run_concurrently(registry, race_data["uid"], request_reward, WORKERS)

    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or o.startswith("Not enough points") for o in outcomes), outcomes
    with new_env() as env:
        balance, total = books(env, race_data["account"])
        assert balance == total == 40
        requests = env["clinic.loyalty.reward.request"].search([("account_id", "=", race_data["account"])])
        assert requests.mapped("state") == ["pending"]
        assert (
            env["clinic.loyalty.entry"].search_count(
                [("account_id", "=", race_data["account"]), ("kind", "=", "redemption")]
            )
            == 1
        )


def test_simultaneous_cancels_and_refusals_give_back_once(registry, new_env, race_data):
    """The client cancels (twice, double click) while the front desk refuses
    (twice): one of them wins, the points come back once."""
    with new_env(uid=race_data["uid"]) as env:
        account = env["clinic.loyalty.account"].sudo().browse(race_data["account"])
        reward = env["clinic.loyalty.reward"].sudo().browse(race_data["reward"])
        request_id = env["clinic.loyalty.reward.request"]._create_request(account, reward, "portal").id

    def cancel_or_refuse(env, i):
        req = env["clinic.loyalty.reward.request"].sudo().browse(request_id)
        if i % 2:
            req._refuse("Out of stock")
        else:
            req._cancel()

    outcomes = run_concurrently(registry, race_data["uid"], cancel_or_refuse, WORKERS)

    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or "no longer pending" in o for o in outcomes), outcomes
    with new_env() as env:
        balance, total = books(env, race_data["account"])
        assert balance == total == 100
        assert (
            env["clinic.loyalty.entry"].search_count(
                [("account_id", "=", race_data["account"]), ("kind", "=", "refund")]
            )
            == 1
        )
        assert env["clinic.loyalty.reward.request"].browse(request_id).state in ("cancelled", "refused")
