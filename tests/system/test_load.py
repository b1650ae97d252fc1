"""Scenario 8: portal clients (and POS terminals, see the OTP addon's load
worker) hammering the multi-worker server at once for a bounded time, on
loopback only: no 5xx, latency printed, zero ledger drift afterwards.

`make test` runs a short variant; `make soak` runs 50 clients + 5 POS
terminals for 60 s."""

import os
import re
import threading
import time

import pytest

from . import builders, metrics

SOAK = bool(os.environ.get("SOAK"))
PORTAL_CLIENTS = 50 if SOAK else 8
DURATION = 60 if SOAK else 8
MAX_REQUESTS_PER_CLIENT = 2000  # a hard bound on each loop, whatever the speed


@pytest.fixture
def portal_crowd(server_env):
    with server_env() as env:
        company, _service, reward = builders.make_clinic(env)
        users, password = builders.make_portal_clients(env, company, PORTAL_CLIENTS, f"Load {company.id}")
        accounts = builders.give_points(env, company, users.partner_id, 30)
        return {
            "logins": users.mapped("login"),
            "password": password,
            "accounts": accounts.ids,
            "reward": reward.id,
            "company": company.id,
        }


def _portal_client(session, login, password, account_id, reward_id, scenario, deadline, errors):
    try:
        with scenario.request():
            session.login(login, password)
        base = f"{session.url}/my/loyalty/{account_id}"
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                return
            with scenario.request():
                page = session.http.get(base, timeout=60)
            if page.status_code >= 500:
                scenario.failures += 1
                continue
            if n % 5 == 0:
                # Request a reward, then cancel it: points held and given back.
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
                with scenario.request():
                    made = session.http.post(
                        f"{base}/request", data={"reward_id": reward_id, "csrf_token": csrf}, timeout=60
                    )
                if made.status_code >= 500:
                    scenario.failures += 1
                    continue
                for request_id in re.findall(r"/my/loyalty/request/(\d+)/cancel", made.text):
                    with scenario.request():
                        done = session.http.post(
                            f"{session.url}/my/loyalty/request/{request_id}/cancel",
                            data={"csrf_token": csrf},
                            timeout=60,
                        )
                    if done.status_code >= 500:
                        scenario.failures += 1
    except Exception as exc:  # noqa: BLE001 - reported by the main thread
        errors.append(exc)


def test_portal_load(rpc, server_env, portal_crowd):
    data = portal_crowd
    scenario = metrics.Scenario(f"8. load: {PORTAL_CLIENTS} portal clients, {DURATION} s")
    deadline = time.monotonic() + DURATION
    errors = []
    threads = [
        threading.Thread(
            target=_portal_client,
            args=(rpc(), login, data["password"], account, data["reward"], scenario, deadline, errors),
        )
        for login, account in zip(data["logins"], data["accounts"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION + 120)
    assert not any(t.is_alive() for t in threads), "a client never finished"
    assert not errors, errors[:3]
    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        accounts = env["clinic.loyalty.account"].browse(data["accounts"])
        env.cr.execute(
            "SELECT count(*) FROM clinic_loyalty_reward_request "
            "WHERE account_id = ANY(%s) AND state = 'pending'",
            [data["accounts"]],
        )
        pending = env.cr.fetchone()[0]
        held = 5 * pending
        assert sum(accounts.mapped("balance")) == 30 * len(accounts) - held
    metrics.record(scenario)
    assert scenario.failures == 0, f"{scenario.failures} requests failed (5xx or errors)"
    assert scenario.drift == 0
    assert len(scenario.latencies) > len(threads), "the clients made requests"
