"""The client's phone (scripts/sms_gateway.py): what Odoo's SMS API sends
is accepted and shown per number on its web page."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from scripts.sms_gateway import MESSAGES_PATH, SEND_PATH, FakeSmsGateway

ROOT = Path(__file__).resolve().parent.parent


def _send(url, messages):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 7, "params": {"messages": messages}})
    req = urllib.request.Request(
        url + SEND_PATH, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read())


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.headers.get("Content-Type"), resp.read().decode()


def test_page_shows_messages_per_number():
    gateway = FakeSmsGateway()
    gateway.start()
    try:
        _ctype, empty = _get(gateway.url + "/")
        assert "No message yet" in empty
        reply = _send(
            gateway.url,
            [
                {"content": "Your code is 123456.", "numbers": [{"uuid": "a", "number": "+32470123456"}]},
                {"content": "Your code is 654321.", "numbers": [{"uuid": "b", "number": "+32470123456"}]},
                {"content": "Hello <Bruno>", "numbers": [{"uuid": "c", "number": "+41791234567"}]},
            ],
        )
        assert [r["state"] for r in reply["result"]] == ["success"] * 3
        ctype, page = _get(gateway.url + "/")
        assert ctype.startswith("text/html")
        sections = {part.split("</h2>")[0]: part for part in page.split("<h2>")[1:]}
        assert set(sections) == {"+32470123456", "+41791234567"}
        anna, bruno = sections["+32470123456"], sections["+41791234567"]
        # each message under its own number, newest first
        assert anna.index("is 654321") < anna.index("is 123456")
        assert "Bruno" not in anna
        assert "Hello &lt;Bruno&gt;" in bruno and "654321" not in bruno
        assert gateway.last_code("+32470123456") == "654321"
        # what a browser tour reads from another origin
        with urllib.request.urlopen(f"{gateway.url}{MESSAGES_PATH}?number=%2B32470123456", timeout=5) as resp:
            assert resp.headers.get("Access-Control-Allow-Origin") == "*"
            assert json.loads(resp.read()) == {"messages": ["Your code is 123456.", "Your code is 654321."]}
    finally:
        gateway.stop()


def test_script_prints_its_url_and_serves():
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "sms_gateway.py")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        _send(url, [{"content": "Your code is 111222.", "numbers": [{"uuid": "x", "number": "+3312"}]}])
        assert "111222" in _get(url + "/")[1]
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
