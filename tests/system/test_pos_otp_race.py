"""Scenario 1: 20 POS orders paying with points for the same client, sent
at once over JSON-RPC by 20 terminals (one session and cashier each), each
with its own verified code, together worth more than the balance: exactly
the affordable ones are recorded, the others are refused and consume
nothing (neither points nor their code)."""

import uuid

import pytest

from ..race import race
from . import builders, metrics
from .conftest import RpcError
from .sms_gateway import sms_gateway  # noqa: F401 - fixture

TERMINALS = 20
AFFORDABLE = 7
# Mirrored from the real verified challenge onto the 19 others.
CHALLENGE_FIELDS = [
    "company_id",
    "account_id",
    "partner_id",
    "phone",
    "points",
    "value",
    "reward_id",
    "origin_ref",
    "state",
    "expires_at",
    "attempts",
    "sms_count",
    "last_sent_at",
    "verified_at",
    "test_mode",
]


@pytest.fixture
def race_shop(server_env):
    with server_env() as env:
        shop = builders.make_otp_shop(env, cashiers=TERMINALS, clients=1, points=0, prefix="Race")
        # 7 rewards affordable, not 8: the 20 orders together ask for 100 points.
        reward_points = shop["reward_points"]
        balance = AFFORDABLE * reward_points + reward_points - 2
        builders.give_points(
            env,
            env["res.company"].browse(shop["company"]),
            env["res.partner"].browse(shop["partners"]),
            balance,
        )
        shop["balance"] = balance
        shop["cashier_ids"] = shop["cashiers"]
        return shop


def _login_all(rpc, shop, scenario):
    sessions = [rpc() for _login in shop["logins"]]

    def login(n, start):
        start()
        with scenario.request():
            sessions[n].login(shop["logins"][n], shop["password"])

    errors = [o for o in race(len(sessions), login) if o is not None]
    assert not errors, errors[:3]
    return sessions


def _mirror_verified_challenges(env, real_id, uids, cashier_ids):
    """The addon allows one live challenge per account and 5 SMS per account
    per hour, so 20 codes verified at the same time for one client cannot be
    obtained through the API (each request cancels the previous challenge).
    The first terminal's challenge went through the real API (request -> SMS
    through the gateway -> verify); the 19 others are created here with
    exactly what that flow leaves behind (same fields as the real one, bound
    to each terminal's order uid and cashier, an HMAC of a fresh code, its
    "sms" event), so the race below is on the consumption only."""
    Challenge = env["clinic.loyalty.otp.challenge"].sudo()
    real = Challenge.browse(real_id)
    assert real.state == "verified"
    values = real._convert_to_write(real.read(CHALLENGE_FIELDS)[0])
    values.pop("id", None)
    challenges = Challenge.create(
        [
            {**values, "pos_order_uid": uid, "user_id": cashier_id}
            for uid, cashier_id in zip(uids, cashier_ids, strict=True)
        ]
    )
    for challenge in challenges:
        challenge.code_hash = challenge._hash_code(f"{uuid.uuid4().int % 10**6:06d}")
    env["clinic.loyalty.otp.event"].sudo().create(
        [
            {"account_id": c.account_id.id, "challenge_id": c.id, "kind": "sms", "date": c.last_sent_at}
            for c in challenges
        ]
    )
    return challenges.ids


def test_twenty_terminals_spend_one_balance_at_once(rpc, server_env, sms_gateway, race_shop):  # noqa: F811
    shop = race_shop
    scenario = metrics.Scenario(f"1. {TERMINALS} POS orders on one balance at once")
    sessions = _login_all(rpc, shop, scenario)
    partner, mobile = shop["partners"][0], shop["mobiles"][0]
    uids = [str(uuid.uuid4()) for _n in range(TERMINALS)]

    # Terminal 0: the real flow, the code read from the "client's phone".
    first = sessions[0]
    with scenario.request():
        info = first.call_kw("clinic.loyalty.otp.challenge", "otp_pos_info", [partner])
    assert info["balance"] == shop["balance"]
    with scenario.request():
        sent = first.call_kw(
            "clinic.loyalty.otp.challenge",
            "otp_request",
            [partner, shop["reward"]],
            {"amount_due": 50.0, "pos_order_uid": uids[0]},
        )
    code = sms_gateway.last_code(mobile)
    assert code not in str(sent), "the code is not in the RPC response"
    with scenario.request():
        verified = first.call_kw("clinic.loyalty.otp.challenge", "otp_verify", [sent["id"], code])
    assert verified["state"] == "verified", verified
    assert verified["value"] == shop["reward_value"]

    with server_env() as env:
        challenge_ids = [sent["id"]] + _mirror_verified_challenges(
            env, sent["id"], uids[1:], shop["cashier_ids"][1:]
        )

    value, points = shop["reward_value"], shop["reward_points"]

    def terminal(n, start):
        payload = builders.pos_order_payload(
            shop,
            uids[n],
            partner,
            shop["cashier_ids"][n],
            [(shop["loyalty"], value, f"OTP-{challenge_ids[n]}"), (shop["cash"], 50.0 - value, None)],
        )
        start()
        try:
            with scenario.request(expected_errors=(RpcError,)):
                sessions[n].call_kw("pos.order", "sync_from_ui", [[payload]])
            return "ok"
        except RpcError as exc:
            return exc

    outcomes = race(TERMINALS, terminal, timeout=300)

    ok = [n for n, o in enumerate(outcomes) if o == "ok"]
    refused = [o for o in outcomes if isinstance(o, RpcError)]
    assert len(ok) == AFFORDABLE, outcomes
    assert len(refused) == TERMINALS - AFFORDABLE, outcomes
    for error in refused:
        assert error.name.endswith("UserError") and error.message.startswith("Not enough points"), error

    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        orders = env["pos.order"].search([("uuid", "in", uids)])
        assert len(orders) == AFFORDABLE, "exactly the affordable orders are recorded"
        assert sorted(orders.mapped("uuid")) == sorted(uids[n] for n in ok)
        assert set(orders.mapped("state")) <= {"paid", "done", "invoiced"}
        challenges = env["clinic.loyalty.otp.challenge"].browse(challenge_ids)
        used = challenges.filtered(lambda c: c.state == "used")
        assert len(used) == AFFORDABLE
        assert used.pos_order_id == orders, "each used code paid its own order"
        assert set((challenges - used).mapped("state")) == {"verified"}, "refused codes are not consumed"
        account = env["clinic.loyalty.account"].browse(shop["accounts"][0])
        redemptions = account.entry_ids.filtered(lambda e: e.kind == "redemption")
        assert sorted(redemptions.mapped("res_id")) == sorted(orders.ids), "one entry per order, none doubled"
        assert set(redemptions.mapped("points")) == {-points}
        assert account.balance == shop["balance"] - AFFORDABLE * points
        assert env["clinic.loyalty.account"]._check_drift() == []
    metrics.record(scenario)
    assert scenario.failures == 0
