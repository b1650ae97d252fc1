"""pytest configuration shared by the addons' tests and tests/.

pytest-odoo's ``--odoo-http`` restarts and stops Odoo's server for every test
module (``load_http``), which fails on Odoo 18.0 (the registry it reports on
has no test result) and leaves no server listening. This replaces that
fixture: one threaded HTTP server for the whole session, on a free loopback
port, so HttpCase tests and browser tours reach it.
"""

import socket

import pytest

import odoo


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def odoo_http_server():
    server = odoo.service.server.server
    if server is None:
        server = odoo.service.server.server = odoo.service.server.ThreadedServer(odoo.http.root)
    if server.httpd is None:
        server.interface = "127.0.0.1"
        server.port = _free_port()
        odoo.tools.config["http_port"] = server.port
        server.http_spawn()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture(scope="module", autouse=True)
def load_http(request):
    """Overrides pytest-odoo's fixture of the same name (see the module doc)."""
    if request.config.getoption("--odoo-http"):
        request.getfixturevalue("odoo_http_server")
