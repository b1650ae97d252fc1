"""Scenario 5: the SMS gateway times out or fails while a cashier asks for a
client's code. The cashier gets a clear "not delivered" answer, nothing is
consumed (not even with the code that reached the gateway), the same order
is paid in cash, and the code appears nowhere: not in an RPC response, the
server's log, sms_sms, the chatter or the challenge."""

import json
import re
import uuid

import pytest

from . import builders, metrics
from .conftest import ROOT, RpcError
from .sms_gateway import sms_gateway  # noqa: F401 - fixture

SERVER_LOG = ROOT / "var" / "log" / "system-server.log"
# Where a leaked code would land: every text column of these tables is scanned.
SCANNED_TABLES = (
    "sms_sms",
    "mail_message",
    "mail_tracking_value",
    "mail_mail",
    "clinic_loyalty_otp_challenge",
    "clinic_loyalty_entry",
    "pos_order",
    "pos_payment",
    "ir_logging",
)
EXPECTED = {
    # mode: (what the cashier reads, sms_sms.failure_type, logged by the addon)
    "slow": ("did not send the code", "sms_server", True),
    "server_error": ("did not send the code", "sms_server", True),
    "insufficient_credit": ("no SMS credits left", "sms_credit", False),
}


@pytest.fixture
def counter(server_env):
    with server_env() as env:
        return builders.make_otp_shop(env, cashiers=1, clients=1, points=20, prefix="Sms")


def _leaks(env, code):
    """(table, column) pairs holding ``code`` in any text column."""
    found = []
    pattern = f"(^|[^0-9]){code}([^0-9]|$)"
    for table in SCANNED_TABLES:
        env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = %s AND data_type IN ('text', 'character varying', 'jsonb')""",
            [table],
        )
        for (column,) in env.cr.fetchall():
            env.cr.execute(f'SELECT 1 FROM "{table}" WHERE "{column}"::text ~ %s LIMIT 1', [pattern])
            if env.cr.fetchone():
                found.append((table, column))
    return found


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_gateway_failure_consumes_nothing_and_cash_pays(rpc, server_env, sms_gateway, counter, mode):  # noqa: F811
    shop = counter
    cashier_message, failure_type, logged = EXPECTED[mode]
    scenario = metrics.Scenario(f"5. SMS gateway {mode.replace('_', ' ')}")
    partner, mobile, account_id = shop["partners"][0], shop["mobiles"][0], shop["accounts"][0]
    uid = str(uuid.uuid4())
    responses = []

    def call(*args, expected_errors=()):
        with scenario.request(expected_errors=expected_errors):
            result = session.call_kw(*args)
        responses.append(json.dumps(result))
        return result

    session = rpc()
    with scenario.request():
        responses.append(json.dumps(session.login(shop["logins"][0], shop["password"])))
    assert call("clinic.loyalty.otp.challenge", "otp_pos_info", [partner])["balance"] == 20

    sms_gateway.set_mode(mode)
    requested = call(
        "clinic.loyalty.otp.challenge",
        "otp_request",
        [partner, shop["reward"]],
        {"amount_due": 50.0, "pos_order_uid": uid},
    )
    # The server did try: the message (and its code) reached the gateway.
    code = sms_gateway.last_code(mobile)
    sms_gateway.set_mode("ok")
    status = call("clinic.loyalty.otp.challenge", "otp_status", [requested["id"]])
    assert status["state"] == "send_failed", status
    assert cashier_message in status["message"] and "another payment method" in status["message"], status
    assert not status["locked"]

    # The code the gateway saw is worthless: nothing was verified.
    verified = call("clinic.loyalty.otp.challenge", "otp_verify", [requested["id"], code])
    assert verified["state"] == "send_failed", verified

    # A loyalty payment with that challenge is refused, nothing recorded...
    loyalty = builders.pos_order_payload(
        shop,
        uid,
        partner,
        shop["cashiers"][0],
        [(shop["loyalty"], shop["reward_value"], f"OTP-{requested['id']}"), (shop["cash"], 45.0, None)],
    )
    with pytest.raises(RpcError) as refused:
        call("pos.order", "sync_from_ui", [[loyalty]], expected_errors=(RpcError,))
    assert refused.value.name.endswith("UserError"), refused.value
    responses.append(refused.value.message)
    # ...and the cashier takes the same order in cash.
    cash = builders.pos_order_payload(shop, uid, partner, shop["cashiers"][0], [(shop["cash"], 50.0, None)])
    call("pos.order", "sync_from_ui", [[cash]])

    for text in responses:
        assert not re.search(rf"(?<!\d){code}(?!\d)", text), "the code is in an RPC response"
    log = SERVER_LOG.read_text(errors="replace")
    assert not re.search(rf"(?<!\d){code}(?!\d)", log), f"the code is in {SERVER_LOG}"

    with server_env() as env:
        scenario.drift = len(env["clinic.loyalty.account"]._check_drift())
        order = env["pos.order"].search([("uuid", "=", uid)])
        assert order.state == "paid" and order.payment_ids.payment_method_id.ids == [shop["cash"]]
        account = env["clinic.loyalty.account"].browse(account_id)
        assert account.balance == 20, "no points consumed"
        assert not account.entry_ids.filtered(lambda e: e.kind == "redemption")
        assert not account.otp_locked
        challenge = env["clinic.loyalty.otp.challenge"].browse(requested["id"])
        assert (challenge.state, challenge.code_hash, challenge.sms_count) == ("send_failed", False, 0)
        assert challenge.send_error == status["message"]
        env.cr.execute(
            "SELECT count(*) FROM clinic_loyalty_otp_event WHERE account_id = %s AND kind = 'sms'",
            [account_id],
        )
        assert env.cr.fetchone()[0] == 0, "an SMS that did not go out does not count against the client"
        sms = env["sms.sms"].search([("partner_id", "=", partner)])
        assert len(sms) == 1 and (sms.state, sms.failure_type) == ("error", failure_type), sms.read()
        assert sms.number == mobile and "••••••" in sms.body
        assert _leaks(env, code) == [], "the code is kept in the database"
        assert env["clinic.loyalty.account"]._check_drift() == []
    if logged:
        assert (
            f"Loyalty code SMS {sms.id} could not be sent" in log
        ), "the failure is logged (without the code)"
    metrics.record(scenario)
    assert scenario.failures == 0
