"""The fake SMS gateway (scripts/sms_gateway.py) as a pytest fixture: the
server under test is a separate process, so Python mocks cannot reach it; it
sends its SMS to the gateway, and the test reads the code the "client"
received from it."""

import atexit

import pytest

from scripts.sms_gateway import CODE_RE, MODES, SEND_PATH, SLOW_SECONDS, FakeSmsGateway

__all__ = ["CODE_RE", "MODES", "SEND_PATH", "SLOW_SECONDS", "FakeSmsGateway", "sms_gateway"]

_GATEWAY = []


def _the_gateway():
    """One gateway for the whole run, whichever test modules import the
    fixture (pytest would make one session fixture per importing module,
    and the server would keep sending to the first one's port)."""
    if not _GATEWAY:
        gateway = FakeSmsGateway()
        gateway.start()
        atexit.register(gateway.stop)
        _GATEWAY.append(gateway)
    return _GATEWAY[0]


@pytest.fixture
def sms_gateway(server_env, server_registry):
    """The fake gateway (mode ``ok``), with the server's database sending
    its SMS through it (``sms.endpoint``) from an IAP account."""
    gateway = _the_gateway()
    gateway.set_mode("ok")
    with server_env() as env:
        env["ir.config_parameter"].set_param("sms.endpoint", gateway.url)
        env["iap.account"].get("sms")
    # The server's workers cache parameters: tell them it changed.
    server_registry.signal_changes()
    yield gateway
    gateway.set_mode("ok")
