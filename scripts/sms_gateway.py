"""A fake SMS gateway on loopback, in place of Odoo's IAP SMS service: the
client's phone of the demo (`make run`) and of the system tests.

An Odoo database is pointed at it with the ``sms.endpoint`` system parameter
(only the demo database and the system tests' server do that, never the
addons). This small threaded HTTP server answers IAP's JSON-RPC
``POST /api/sms/3/send`` the way the real service does (see
odoo/addons/sms/tools/sms_api.py and iap/tools/iap_tools.py), records every
message, shows them per number on a web page (``GET /``: "the client's
phone", where a newcomer reads the code; ``GET /messages.json?number=`` for
a browser tour) and can fail on demand:

- ``ok``: every number accepted (``state: success``);
- ``slow``: answers after the client's timeout (15 s in ``SmsApi``);
- ``server_error``: HTTP 500 (what an outage looks like to ``iap_jsonrpc``);
- ``insufficient_credit``: the per-number state IAP gives when the account
  has no credits left.
"""

import argparse
import html
import json
import re
import signal
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SEND_PATH = "/api/sms/3/send"
MESSAGES_PATH = "/messages.json"  # ?number=<E.164>: the messages to that number, oldest first
SLOW_SECONDS = 20  # longer than SmsApi._contact_iap's 15 s timeout
MODES = ("ok", "slow", "server_error", "insufficient_credit")
CODE_RE = re.compile(r"is (\d{6})\.")


class FakeSmsGateway:
    def __init__(self, port=0):
        self.mode = "ok"
        self.messages = []  # (mode, number, content, uuid), in arrival order
        self.times = []  # arrival time of each message (shown on the page)
        self.requests = 0
        self._lock = threading.Lock()
        self._release = threading.Event()  # ends the "slow" sleeps at teardown
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway._handle(self, body)

            def do_GET(self):  # noqa: N802 - http.server's naming
                gateway._page(self)

            def log_message(self, *args):
                pass  # the test output stays readable

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
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
                    self.times.append(datetime.now())
                    numbers.append(number)
        if mode == "slow":
            self._release.wait(SLOW_SECONDS)
        if mode == "server_error":
            self._reply(handler, 500, {"error": "internal server error"})
            return
        state = "insufficient_credit" if mode == "insufficient_credit" else "success"
        result = [{"uuid": n["uuid"], "state": state, "credit": 1} for n in numbers]
        self._reply(handler, 200, {"jsonrpc": "2.0", "id": payload.get("id"), "result": result})

    def _page(self, handler):
        path, _sep, query = handler.path.partition("?")
        if path == MESSAGES_PATH:
            # What a browser tour reads, from the page it tests (another origin).
            number = parse_qs(query).get("number", [""])[0]
            self._reply(handler, 200, {"messages": self.received(number)}, cors=True)
            return
        if path != "/":
            self._reply(handler, 404, {"error": "not found"})
            return
        # (browser tours read the page from the Odoo origin: loopback only)
        self._reply(handler, 200, self.page(), content_type="text/html; charset=utf-8", cors=True)

    def page(self):
        """The client's phone: every number that received a message, its
        messages newest first (refreshes itself every 3 seconds)."""
        with self._lock:
            rows = list(zip(self.messages, self.times, strict=True))
        by_number = {}
        for (mode, number, content, _uuid), when in reversed(rows):
            by_number.setdefault(number, []).append((when, content, mode))
        parts = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            "<meta http-equiv='refresh' content='3'><title>The client's phone</title>",
            "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}"
            "section{border:1px solid #ccc;border-radius:1em;padding:0 1em;margin:1em 0}"
            "li{margin:.5em 0}small{color:#666}</style></head><body>",
            "<h1>The client's phone</h1>",
            "<p>Text messages the demo clinic sent, per number, newest first. Read the code here"
            " and type it at the point of sale, in the back office or on the portal.</p>",
        ]
        if not by_number:
            parts.append("<p><em>No message yet.</em></p>")
        for number, items in by_number.items():
            parts.append(f"<section><h2>{html.escape(number)}</h2><ul>")
            for when, content, mode in items:
                note = "" if mode == "ok" else f" <small>(gateway mode: {html.escape(mode)})</small>"
                parts.append(
                    f"<li><small>{when:%Y-%m-%d %H:%M:%S}</small><br>{html.escape(content)}{note}</li>"
                )
            parts.append("</ul></section>")
        parts.append("</body></html>")
        return "".join(parts)

    @staticmethod
    def _reply(handler, status, data, content_type="application/json", cors=False):
        raw = data.encode() if isinstance(data, str) else json.dumps(data).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            if cors:
                handler.send_header("Access-Control-Allow-Origin", "*")
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


def main(argv=None):
    """``python scripts/sms_gateway.py [--port N]``: serves the gateway on
    loopback (a free port by default), prints its URL on the first line of
    stdout, and runs until stopped (SIGTERM, SIGINT)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    args = parser.parse_args(argv)
    gateway = FakeSmsGateway(args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(gateway.url, flush=True)
    try:
        gateway.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.server.server_close()


if __name__ == "__main__":
    main()
