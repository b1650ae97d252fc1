"""The workspace scripts: the Odoo tree check and the port check of `make run`."""

import os
import socket
import subprocess
from pathlib import Path

import odoo

ROOT = Path(__file__).resolve().parent.parent
ODOO_TREE = Path(odoo.__file__).resolve().parent.parent


def _run(script, env=None, timeout=60):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def test_odoo_src_accepts_an_18_tree():
    result = _run("odoo_src.sh", {"ODOO_SRC": str(ODOO_TREE)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ODOO_TREE)


def test_odoo_src_refuses_a_missing_tree(tmp_path):
    result = _run("odoo_src.sh", {"ODOO_SRC": str(tmp_path / "nowhere")})
    assert result.returncode != 0
    assert "is not an Odoo source tree" in result.stderr
    assert "Set ODOO_SRC" in result.stderr


def test_odoo_src_refuses_another_version(tmp_path):
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "release.py").write_text("version_info = (17, 0, 0, 'final', 0, '')\n")
    result = _run("odoo_src.sh", {"ODOO_SRC": str(tmp_path)})
    assert result.returncode != 0
    assert "is not Odoo 18.0" in result.stderr


def test_run_refuses_a_taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        result = _run("run.sh", {"ODOO_PORT": str(port), "DB": "clinic_never_created"})
    assert result.returncode != 0
    assert f"port {port} is already in use" in result.stderr


def test_setup_postgres_prints_only_the_port(tmp_path):
    """After an unclean shutdown pg_ctlcluster says "Removed stale pid file." on
    stdout; the caller writes what it captures into odoo.conf as db_port. The
    server it starts (here a sleep that, like pg_ctl -l, sends its output to a
    file) must hold no end of the caller's pipe, or the caller waits forever."""
    listed = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    ver, name, port = listed.split()[:3]
    fakes = tmp_path / "bin"
    fakes.mkdir()
    for script, body in {
        "pg_lsclusters": f'echo "{ver} {name} {port} down postgres /nowhere /dev/null"',
        "pg_ctlcluster": 'sleep 30 >/dev/null 2>&1 &\necho "Removed stale pid file."',
    }.items():
        (fakes / script).write_text(f"#!/bin/sh\n{body}\n")
        (fakes / script).chmod(0o755)
    result = _run("setup_postgres.sh", {"PATH": f"{fakes}:{os.environ['PATH']}"}, timeout=15)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{port}\n"
    assert "Removed stale pid file." in result.stderr
