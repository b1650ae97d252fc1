"""A real Odoo server (several workers, cron) on its own database.

`make test` copies the freshly installed test database to ``<db>_server``
before pytest connects to it; the ``odoo_server`` fixture serves that copy
with ``--workers=4`` and the cron on a free loopback port, and stops it at
the end of the session. Tests set up their data through ``server_env``
(committed, on the same database) and talk to the server over HTTP.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import odoo
from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_db():
    name = odoo.tools.config["db_name"] + "_server"
    if not odoo.service.db.exp_db_exist(name):
        pytest.fail(f"database {name} is missing: run the tests through `make test` (scripts/test.sh)")
    return name


@pytest.fixture(scope="session")
def server_registry(server_db):
    return odoo.modules.registry.Registry(server_db)


@pytest.fixture
def server_env(server_registry):
    """``with server_env() as env:`` a committed transaction on the server's database."""

    @contextlib.contextmanager
    def _env(uid=SUPERUSER_ID):
        with server_registry.cursor() as cr:
            yield api.Environment(cr, uid, {})

    return _env


@pytest.fixture(scope="session")
def odoo_server(server_db):
    port = free_port()
    log = ROOT / "var" / "log" / "system-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        str(ROOT / "scripts" / "odoo_bin.py"),
        "-c",
        str(ROOT / "odoo.conf"),
        "-d",
        server_db,
        f"--db-filter=^{server_db}$",
        "--workers=4",
        "--max-cron-threads=1",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        f"--logfile={log}",
        "--log-level=warn",
        "--limit-time-real=300",
        "--limit-time-cpu=240",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "TZ": "UTC"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the Odoo server exited with {proc.returncode}: see {log}")
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the Odoo server did not answer within 120 s: see {log}")
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_job(job, db, **options):
    """Runs the nightly ``job`` (``tests/system/run_job.py``: accrual, expiry,
    pms-import) on ``db`` in its own process, as the cron would, so a test
    can kill it mid-run (``--option value`` pairs)."""
    args = [sys.executable, str(ROOT / "tests" / "system" / "run_job.py"), job, "--db", db]
    args += ["--config", str(ROOT / "odoo.conf")]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class RpcSession:
    """One browser-like session on the server: cookie jar + JSON-RPC."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.http = requests.Session()

    def login(self, login, password):
        result = self.call("/web/session/authenticate", {"db": self.db, "login": login, "password": password})
        assert result.get("uid"), f"login failed for {login}"
        return result

    def call(self, path, params, timeout=60):
        response = self.http.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            timeout=timeout,
        )
        response.raise_for_status()
        payload = response.json()
        if "error" in payload:
            raise RpcError(payload["error"])
        return payload["result"]

    def call_kw(self, model, method, args, kwargs=None):
        return self.call(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message", error.get("message", ""))
        super().__init__(f"{self.name}: {self.message}")


@pytest.fixture
def rpc(odoo_server, server_db):
    return lambda: RpcSession(odoo_server, server_db)


def pytest_terminal_summary(terminalreporter):
    from . import metrics

    if metrics.ROWS:
        terminalreporter.section("system scenarios")
        terminalreporter.write_line(metrics.table())
