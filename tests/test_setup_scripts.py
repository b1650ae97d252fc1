"""The workspace scripts: the Odoo tree check, the port check of `make run`,
the apt helper, the fresh-database helper and `make clean`."""

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


def test_run_explains_a_port_taken_while_building(tmp_path):
    """The port is free at the start, then taken while the database is being
    prepared (here by the setup step): a sentence, never a traceback, and no
    "served at" banner."""
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (tmp_path / "addons").mkdir()
    for name in ("run.sh", "lib.sh"):
        (scripts / name).write_text((ROOT / "scripts" / name).read_text())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # "Building": something else starts listening on the port meanwhile.
    (scripts / "setup.sh").write_text(
        "#!/usr/bin/env bash\n"
        f'python3 -c \'import socket,time; s=socket.socket(); s.bind(("127.0.0.1", {port})); s.listen(1); '
        f'open("{tmp_path}/listening", "w").close(); time.sleep(30)\' &\n'
        f"echo $! > {tmp_path}/listener.pid\n"
        f"while [ ! -e {tmp_path}/listening ]; do sleep 0.05; done\n"
    )
    (scripts / "setup.sh").chmod(0o755)
    db = f"clinic_runport_{os.getpid()}"
    subprocess.run(["createdb", db], check=True)
    try:
        # The demo database is there and up to date: no build, straight to serving.
        addons_hash = subprocess.run(
            "find addons -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16",
            shell=True,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        (tmp_path / "var").mkdir()
        (tmp_path / "var" / f"{db}.addons-hash").write_text(addons_hash + "\n")
        result = subprocess.run(
            ["bash", str(scripts / "run.sh")],
            capture_output=True,
            text=True,
            env={**os.environ, "ODOO_PORT": str(port), "DB": db},
            timeout=60,
            check=False,
        )
    finally:
        pid = (tmp_path / "listener.pid").read_text().strip() if (tmp_path / "listener.pid").exists() else ""
        if pid:
            subprocess.run(["kill", pid], check=False)
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    assert result.returncode != 0
    assert f"port {port} is already in use (taken while {db} was being prepared" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "served at" not in result.stdout


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


def _fakes(tmp_path, scripts):
    fakes = tmp_path / "bin"
    fakes.mkdir(exist_ok=True)
    for script, body in scripts.items():
        (fakes / script).write_text(f"#!/bin/sh\n{body}\n")
        (fakes / script).chmod(0o755)
    return {"PATH": f"{fakes}:{os.environ['PATH']}"}


def _lib(snippet, env=None, timeout=60):
    return subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; {snippet}'],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def test_apt_install_shows_why_it_failed(tmp_path):
    """A package apt cannot install stops the script with apt's own message,
    after one refresh of the package lists (as root, or through sudo)."""
    calls = tmp_path / "apt-calls"
    env = _fakes(
        tmp_path,
        {
            "dpkg": "exit 1",
            "sudo": 'exec "$@"',
            "apt-get": f'echo "$*" >> {calls}\n'
            'case "$*" in *install*) echo "E: Unable to locate package zz-missing" >&2; exit 100;; esac',
        },
    )
    result = _lib("apt_install zz-missing; echo reached", env)
    assert result.returncode != 0
    assert "reached" not in result.stdout
    assert "E: Unable to locate package zz-missing" in result.stderr
    assert "could not install zz-missing" in result.stderr
    tried = calls.read_text().splitlines()
    assert [line.split()[0] for line in tried].count("install") == 2, tried
    assert "update -q" in tried


def test_fresh_db_drops_a_half_built_database(tmp_path):
    """An install that fails leaves no database behind and names its log."""
    db = f"clinic_probe_{os.getpid()}"
    subprocess.run(["createdb", db], check=True)
    env = _fakes(tmp_path, {"odoo-fail": "exit 3"})
    result = _lib(f'PY=odoo-fail; fresh_db {db} "{tmp_path}/install.log"', env)
    assert result.returncode != 0
    assert f"see {tmp_path}/install.log" in result.stderr
    listed = subprocess.run(
        ["psql", "-d", "postgres", "-tAc", f"SELECT count(*) FROM pg_database WHERE datname = '{db}'"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.strip() == "0"


def test_clean_drops_every_project_database(tmp_path):
    """`make clean` drops each database a script creates, the translation
    template's included, whatever names the environment gave them. Run on a
    copy of scripts/ so the real .venv and var/ stay."""
    (tmp_path / "scripts").mkdir()
    for script in ("lib.sh", "clean.sh"):
        (tmp_path / "scripts" / script).write_text((ROOT / "scripts" / script).read_text())
    tag = os.getpid()
    names = {
        "DB": f"probe_demo_{tag}",
        "TEST_DB": f"probe_test_{tag}",
        "BENCH_DB": f"probe_bench_{tag}",
        "POT_DB": f"probe_pot_{tag}",
    }
    dbs = [*names.values(), f"probe_test_{tag}_server"]
    for db in dbs:
        subprocess.run(["createdb", db], check=True)
    result = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "clean.sh")],
        capture_output=True,
        text=True,
        env={**os.environ, **names},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    listed = subprocess.run(
        ["psql", "-d", "postgres", "-tAc", "SELECT datname FROM pg_database"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not set(dbs) & set(listed), set(dbs) & set(listed)
