"""Scenario: a dishonest cashier forging "Loyalty points" payments on a
running multi-worker server, over JSON-RPC as the POS would send them: one
verified code reused for a second payment of the same order, a draft order
carrying a forged payment then marked paid, and points payments added,
changed or deleted after the order was paid. Every attempt is refused and
nothing is consumed; the one genuine sale spends its code once."""

import uuid

import pytest

from . import builders, metrics
from .conftest import RpcError
from .sms_gateway import sms_gateway  # noqa: F401 - fixture


@pytest.fixture
def forgery_shop(server_env):
    with server_env() as env:
        return builders.make_otp_shop(env, cashiers=1, clients=1, points=100, prefix="Forgery")


def _verified_code(session, sms_gateway, shop, uid):  # noqa: F811
    partner, mobile = shop["partners"][0], shop["mobiles"][0]
    sent = session.call_kw(
        "clinic.loyalty.otp.challenge",
        "otp_request",
        [partner, shop["reward"]],
        {"amount_due": 50.0, "pos_order_uid": uid},
    )
    verified = session.call_kw(
        "clinic.loyalty.otp.challenge", "otp_verify", [sent["id"], sms_gateway.last_code(mobile)]
    )
    assert verified["state"] == "verified", verified
    return sent["id"]


def test_forged_points_payments_are_refused(rpc, server_env, sms_gateway, forgery_shop):  # noqa: F811
    shop = forgery_shop
    scenario = metrics.Scenario("POS forgery: reused code, draft then paid, payments after payment")
    session = rpc()
    session.login(shop["logins"][0], shop["password"])
    partner, cashier = shop["partners"][0], shop["cashiers"][0]
    value = shop["reward_value"]
    refused = []

    def attempt(model, method, args):
        try:
            with scenario.request(expected_errors=(RpcError,)):
                session.call_kw(model, method, args)
        except RpcError as exc:
            refused.append(exc)
            return exc
        raise AssertionError(f"{model}.{method} was accepted")

    # 1. One code worth `value` paying the whole order through two payments.
    uid = str(uuid.uuid4())
    challenge = _verified_code(session, sms_gateway, shop, uid)
    reused = builders.pos_order_payload(
        shop,
        uid,
        partner,
        cashier,
        [(shop["loyalty"], value, f"OTP-{challenge}"), (shop["loyalty"], 50.0 - value, f"OTP-{challenge}")],
    )
    attempt("pos.order", "sync_from_ui", [[reused]])

    # 2. A draft with a forged points payment, then marked paid.
    draft_uid = str(uuid.uuid4())
    draft = builders.pos_order_payload(
        shop,
        draft_uid,
        partner,
        cashier,
        [(shop["loyalty"], value, "OTP-1"), (shop["cash"], 50.0 - value, None)],
    )
    draft["state"] = "draft"
    with scenario.request():
        session.call_kw("pos.order", "sync_from_ui", [[draft]])
    with server_env() as env:
        draft_id = env["pos.order"].search([("uuid", "=", draft_uid)]).id
    attempt("pos.order", "action_pos_order_paid", [[draft_id]])
    attempt("pos.order", "write", [[draft_id], {"state": "paid"}])

    # 3. The genuine sale, then payments added / changed / deleted after it.
    with scenario.request():
        session.call_kw(
            "pos.order",
            "sync_from_ui",
            [
                [
                    builders.pos_order_payload(
                        shop,
                        uid,
                        partner,
                        cashier,
                        [(shop["loyalty"], value, f"OTP-{challenge}"), (shop["cash"], 50.0 - value, None)],
                    )
                ]
            ],
        )
    with server_env() as env:
        order = env["pos.order"].search([("uuid", "=", uid)])
        points_payment = order.payment_ids.filtered(lambda p: p.payment_method_id.id == shop["loyalty"])
        extra = {
            "pos_order_id": order.id,
            "amount": 500.0,
            "payment_method_id": shop["loyalty"],
            "transaction_id": f"OTP-{challenge}",
        }
        order_id, payment_id = order.id, points_payment.id
    attempt("pos.order", "add_payment", [[order_id], extra])
    attempt("pos.payment", "create", [extra])
    attempt("pos.payment", "write", [[payment_id], {"amount": 500.0}])
    attempt("pos.payment", "unlink", [[payment_id]])

    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        account = env["clinic.loyalty.account"].browse(shop["accounts"][0])
        assert account.balance == 100 - shop["reward_points"], "the genuine sale spent its code once"
        assert env["pos.order"].browse(draft_id).state == "draft"
        payments = env["pos.order"].browse(order_id).payment_ids
        assert sorted(payments.mapped("amount")) == sorted([value, 50.0 - value])
        assert env["clinic.loyalty.otp.challenge"].browse(challenge).pos_order_id.id == order_id
    assert len(refused) == 7
    metrics.record(scenario)
    assert scenario.failures == 0
