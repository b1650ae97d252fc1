"""A fake SMS gateway on loopback, in place of Odoo's IAP SMS service.

The server under test is a separate process, so Python mocks cannot reach it:
it is pointed (``sms.endpoint``) at this small threaded HTTP server, which
answers IAP's JSON-RPC ``POST /api/sms/3/send`` the way the real service does
(see odoo/addons/sms/tools/sms_api.py and iap/tools/iap_tools.py), records
every message (the test reads the code the "client" received from it) and
can fail on demand:

- ``ok``: every number accepted (``state: success``);
- ``slow``: answers after the client's timeout (15 s in ``SmsApi``);
- ``server_error``: HTTP 500 (what an outage looks like to ``iap_jsonrpc``);
- ``insufficient_credit``: the per-number state IAP gives when the account
  has no credits left.
"""

import atexit
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SEND_PATH = "/api/sms/3/send"
SLOW_SECONDS = 20  # longer than SmsApi._contact_iap's 15 s timeout
MODES = ("ok", "slow", "server_error", "insufficient_credit")
CODE_RE = re.compile(r"is (\d{6})\.")


class FakeSmsGateway:
    def __init__(self):
        self.mode = "ok"
        self.messages = []  # (mode, number, content, uuid), in arrival order
        self.requests = 0
        self._lock = threading.Lock()
        self._release = threading.Event()  # ends the "slow" sleeps at teardown
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway._handle(self, body)

            def log_message(self, *args):
                pass  # the test output stays readable

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # the client hung up on "slow"
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------
    def _handle(self, handler, body):
        if handler.path != SEND_PATH:
            self._reply(handler, 404, {"error": "not found"})
            return
        payload = json.loads(body or b"{}")
        params = payload.get("params") or {}
        numbers = []
        with self._lock:
            mode = self.mode
            self.requests += 1
            for message in params.get("messages") or []:
                for number in message.get("numbers") or []:
                    self.messages.append((mode, number["number"], message["content"], number["uuid"]))
                    numbers.append(number)
        if mode == "slow":
            self._release.wait(SLOW_SECONDS)
        if mode == "server_error":
            self._reply(handler, 500, {"error": "internal server error"})
            return
        state = "insufficient_credit" if mode == "insufficient_credit" else "success"
        result = [{"uuid": n["uuid"], "state": state, "credit": 1} for n in numbers]
        self._reply(handler, 200, {"jsonrpc": "2.0", "id": payload.get("id"), "result": result})

    @staticmethod
    def _reply(handler, status, data):
        raw = json.dumps(data).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(raw)))
            handler.end_headers()
            handler.wfile.write(raw)
        except OSError:
            pass  # the client gave up waiting ("slow")

    # ------------------------------------------------------------------
    def set_mode(self, mode):
        assert mode in MODES, mode
        with self._lock:
            self.mode = mode

    def received(self, number):
        """Contents of the messages sent to ``number`` (E.164), oldest first."""
        with self._lock:
            return [content for _mode, num, content, _uuid in self.messages if num == number]

    def codes(self, number):
        return [m.group(1) for m in map(CODE_RE.search, self.received(number)) if m]

    def last_code(self, number):
        codes = self.codes(number)
        assert codes, f"no code reached {number} through the gateway"
        return codes[-1]


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
