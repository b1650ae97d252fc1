"""Scenario 7: a portal client crafting requests for another client's
account, entries, requests and rewards, on the running multi-worker server:
every attempt is refused and nothing of the other client leaks."""

import re

import pytest

from . import builders, metrics
from .conftest import RpcError


@pytest.fixture
def two_clients(server_env):
    with server_env() as env:
        company, _service, reward = builders.make_clinic(env)
        other_company, _s, other_reward = builders.make_clinic(env)
        # The attacks are on the portal's ownership checks: with codes at
        # the portal the attacker would stop earlier (test_otp_portal).
        (company | other_company).loyalty_otp_required = False
        users, password = builders.make_portal_clients(env, company, 2, f"Attacker {company.id}")
        attacker, victim = users
        accounts = builders.give_points(env, company, [attacker.partner_id, victim.partner_id], 50)
        victim_request = env["clinic.loyalty.reward.request"]._create_request(accounts[1], reward, "portal")
        return {
            "login": attacker.login,
            "password": password,
            "own_account": accounts[0].id,
            "victim_account": accounts[1].id,
            "victim_name": victim.partner_id.name,
            "victim_request": victim_request.id,
            "reward": reward.id,
            "other_reward": other_reward.id,
            "company": company.id,
            "other_company": other_company.id,
        }


def _csrf(session, account_id):
    page = session.http.get(f"{session.url}/my/loyalty/{account_id}", timeout=30)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_portal_client_cannot_reach_another_clients_points(rpc, server_env, two_clients):
    data = two_clients
    scenario = metrics.Scenario("7. portal client crafting requests")
    session = rpc()
    session.login(data["login"], data["password"])
    csrf = _csrf(session, data["own_account"])
    base = session.url

    crafted = [
        ("GET", f"/my/loyalty/{data['victim_account']}", {}),
        ("GET", f"/my/loyalty/{data['victim_account']}/page/2", {}),
        ("POST", f"/my/loyalty/{data['victim_account']}/request", {"reward_id": data["reward"]}),
        ("POST", f"/my/loyalty/request/{data['victim_request']}/cancel", {}),
        ("POST", f"/my/loyalty/{data['own_account']}/request", {"reward_id": data["other_reward"]}),
        ("POST", f"/my/loyalty/{data['own_account']}/request", {"reward_id": "1 OR 1=1"}),
        ("POST", f"/my/loyalty/{data['own_account']}/request", {"reward_id": str(2**40)}),
        ("GET", "/my/loyalty/99999999999", {}),
    ]
    for method, path, form in crafted:
        with scenario.request():
            if method == "GET":
                response = session.http.get(base + path, timeout=30, allow_redirects=False)
            else:
                response = session.http.post(
                    base + path, data={**form, "csrf_token": csrf}, timeout=30, allow_redirects=False
                )
        assert response.status_code == 404, (method, path, response.status_code)
        assert data["victim_name"] not in response.text

    # The ORM over JSON-RPC: no read of another client's account or entries,
    # no direct write of anything, no private method.
    rpc_attempts = [
        ("clinic.loyalty.account", "read", [[data["victim_account"]], ["balance"]]),
        ("clinic.loyalty.entry", "search_read", [[["account_id", "=", data["victim_account"]]], ["points"]]),
        ("clinic.loyalty.account", "write", [[data["own_account"]], {"balance": 10**6}]),
        ("clinic.loyalty.account", "_redeem", [[data["victim_account"]], 5, "x", "k"]),
        ("clinic.loyalty.reward.request", "write", [[data["victim_request"]], {"state": "cancelled"}]),
        ("clinic.loyalty.reward", "write", [[data["reward"]], {"points_cost": 1}]),
    ]
    for model, method, args in rpc_attempts:
        with pytest.raises(RpcError) as refused, scenario.request(expected_errors=(RpcError,)):
            session.call_kw(model, method, args)
        assert refused.value.name.endswith(("AccessError", "AccessDenied")), refused.value

    with server_env() as env:
        accounts = env["clinic.loyalty.account"].browse([data["own_account"], data["victim_account"]])
        assert accounts.mapped("balance") == [50, 45], "nothing consumed, nothing given"
        victim_request = env["clinic.loyalty.reward.request"].browse(data["victim_request"])
        assert victim_request.state == "pending"
        assert env["clinic.loyalty.reward"].browse(data["reward"]).points_cost == 5
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
    assert scenario.drift == 0
    metrics.record(scenario)
