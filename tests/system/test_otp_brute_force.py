"""Scenario 6: brute force over JSON-RPC from three sessions (three cashiers)
against one client's codes. Every guess is sent in parallel from each
session. Only the cashier who asked for a code may try it; a challenge dies
at 5 wrong entries, however many arrive at once; the account locks at 10
failures within 24 h, which takes several challenges (asked for through the
API, within the resend and hourly SMS limits, nothing reset); once locked,
even the right code is refused and nothing is spent."""

import random
import threading
import uuid

import pytest

from ..race import race
from . import builders, metrics
from .conftest import RpcError
from .sms_gateway import sms_gateway  # noqa: F401 - fixture

PARALLEL = 3  # requests in flight per session
Challenge = "clinic.loyalty.otp.challenge"


@pytest.fixture
def target(server_env):
    with server_env() as env:
        return builders.make_otp_shop(env, cashiers=3, clients=1, points=20, prefix="Brute")


def _wrong_codes(right, count):
    codes = set()
    while len(codes) < count:
        guess = f"{random.randrange(10**6):06d}"
        if guess != right:
            codes.add(guess)
    return sorted(codes)


def _hammer(sessions, challenge_id, guesses, scenario):
    """All sessions at once: session ``i`` sends ``guesses[i]`` (codes) to
    ``challenge_id`` from PARALLEL threads. Returns [(session, result or
    RpcError)]."""
    queues = [list(codes) for codes in guesses]
    outcomes, lock = [], threading.Lock()

    def worker(t, start):
        i = t // PARALLEL  # PARALLEL threads per session
        start()
        while True:
            with lock:
                if not queues[i]:
                    return
                code = queues[i].pop()
            try:
                with scenario.request(expected_errors=(RpcError,)):
                    result = sessions[i].call_kw(Challenge, "otp_verify", [challenge_id, code])
            except RpcError as exc:
                result = exc
            with lock:
                outcomes.append((i, result))

    errors = [o for o in race(len(sessions) * PARALLEL, worker, timeout=300) if o is not None]
    assert not errors, errors[:3]
    return outcomes


def _of(outcomes, session):
    return [result for i, result in outcomes if i == session]


def _assert_not_yours(results):
    assert results, "the other cashiers tried too"
    for result in results:
        assert isinstance(result, RpcError) and result.name.endswith("AccessError"), result


def _failures(env, account_id, challenge_id=None):
    query = "SELECT count(*) FROM clinic_loyalty_otp_event WHERE account_id = %s AND kind = 'failure'"
    params = [account_id]
    if challenge_id:
        query += " AND challenge_id = %s"
        params.append(challenge_id)
    env.cr.execute(query, params)
    return env.cr.fetchone()[0]


def test_three_sessions_brute_forcing_one_account(rpc, server_env, sms_gateway, target):  # noqa: F811
    shop = target
    scenario = metrics.Scenario("6. brute force, 3 sessions")
    partner, mobile, account_id = shop["partners"][0], shop["mobiles"][0], shop["accounts"][0]
    sessions = [rpc() for _n in range(3)]
    for session, login in zip(sessions, shop["logins"], strict=True):
        with scenario.request():
            session.login(login, shop["password"])
    a, b, c = range(3)

    def request_code(cashier):
        with scenario.request():
            data = sessions[cashier].call_kw(
                Challenge, "otp_request", [partner, shop["reward"]], {"amount_due": 50.0}
            )
        assert data["state"] in ("pending", "sent"), data
        return data["id"], sms_gateway.last_code(mobile)

    # 1. A's challenge: 7 wrong codes in parallel from A, 4 each from B and C.
    first, first_code = request_code(a)
    outcomes = _hammer(sessions, first, [_wrong_codes(first_code, n) for n in (7, 4, 4)], scenario)
    _assert_not_yours(_of(outcomes, b) + _of(outcomes, c))
    results = _of(outcomes, a)
    assert sorted(r["attempts_left"] for r in results if r["state"] == "sent") == [1, 2, 3, 4], results
    assert [r["state"] for r in results].count("dead") == 3, "the 5th kills it, the later ones count nothing"
    assert not any(r["locked"] for r in results)
    with scenario.request():
        late = sessions[a].call_kw(Challenge, "otp_verify", [first, first_code])
    assert late["state"] == "dead", "a dead challenge refuses even its right code"
    with server_env() as env:
        assert _failures(env, account_id, first) == 5 and _failures(env, account_id) == 5
        assert env[Challenge].browse(first).attempts == 5

    # 2. B's challenge (a new code, not a resend): 4 wrong from B, others refused.
    second, second_code = request_code(b)
    outcomes = _hammer(sessions, second, [_wrong_codes(second_code, n) for n in (3, 4, 3)], scenario)
    _assert_not_yours(_of(outcomes, a) + _of(outcomes, c))
    results = _of(outcomes, b)
    assert sorted(r["attempts_left"] for r in results) == [1, 2, 3, 4] and not any(
        r["locked"] for r in results
    )
    with server_env() as env:
        assert _failures(env, account_id) == 9, "a new code never resets the account's count"
        assert not env["clinic.loyalty.account"].browse(account_id).otp_locked

    # 3. C's challenge: the 10th wrong code locks the account.
    third, third_code = request_code(c)
    outcomes = _hammer(sessions, third, [_wrong_codes(third_code, n) for n in (3, 3, 3)], scenario)
    _assert_not_yours(_of(outcomes, a) + _of(outcomes, b))
    results = _of(outcomes, c)
    assert all(r["locked"] and "locked" in r["message"] for r in results), results
    with scenario.request():
        right = sessions[c].call_kw(Challenge, "otp_verify", [third, third_code])
    assert right["state"] == "sent" and right["locked"], "locked: even the right code is refused"
    with pytest.raises(RpcError) as no_new_code, scenario.request(expected_errors=(RpcError,)):
        sessions[a].call_kw(Challenge, "otp_request", [partner, shop["reward"]], {"amount_due": 50.0})
    assert "locked" in no_new_code.value.message
    uid = str(uuid.uuid4())
    order = builders.pos_order_payload(
        shop,
        uid,
        partner,
        shop["cashiers"][c],
        [(shop["loyalty"], shop["reward_value"], f"OTP-{third}"), (shop["cash"], 45.0, None)],
    )
    with pytest.raises(RpcError), scenario.request(expected_errors=(RpcError,)):
        sessions[c].call_kw("pos.order", "sync_from_ui", [[order]])

    assert len(sms_gateway.received(mobile)) == 3, "three codes sent, no more"
    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        account = env["clinic.loyalty.account"].browse(account_id)
        assert account.otp_locked
        assert _failures(env, account_id) == 10 and env[Challenge].browse(third).attempts == 1
        assert env[Challenge].browse(second).state == "cancelled", "one live challenge per account"
        assert env[Challenge].browse(third).state == "sent"
        assert account.balance == 20 and not account.entry_ids.filtered(lambda e: e.kind == "redemption")
        assert not env["pos.order"].search([("uuid", "=", uid)])
        assert any("Redemptions locked" in (m.body or "") for m in account.message_ids), "the lock is logged"
        assert env["clinic.loyalty.account"]._check_drift() == []
    guesses = 7 + 4 + 4 + 3 + 4 + 3 + 3 * 3
    scenario.name = f"6. brute force: 3 sessions, {guesses} wrong codes"
    metrics.record(scenario)
    assert scenario.failures == 0
