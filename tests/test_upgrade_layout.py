"""A database built with the previous layout (three addons, the point of sale
inside ``clinic_loyalty_otp``) upgrades to the current one with nothing lost:
``clinic_loyalty_pos`` is installed by the upgrade, its records keep their
ids (xml ids moved, not duplicated) and every figure stays as it was."""

import configparser
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

import odoo

ROOT = Path(__file__).resolve().parent.parent
# main before the point of sale moved to its own addon
PREVIOUS = "27aa6393984990c23fa8f0552b3caaafc1d05281"
PREVIOUS_ADDONS = "clinic_loyalty,clinic_loyalty_otp,clinic_loyalty_pms_import"
DATA = ROOT / "tests" / "upgrade" / "previous_layout_data.py"

FIGURES = {
    "POS orders, points they earned": "SELECT count(*), COALESCE(sum(loyalty_points), 0) FROM pos_order",
    "POS payments in points": """
        SELECT count(*), COALESCE(sum(p.amount), 0) FROM pos_payment p
          JOIN pos_payment_method m ON m.id = p.payment_method_id
         WHERE m.use_payment_terminal = 'clinic_loyalty'""",
    "Loyalty points methods": """
        SELECT count(*) FROM pos_payment_method WHERE use_payment_terminal = 'clinic_loyalty'""",
    "Front desk shops": "SELECT count(*) FROM pos_config WHERE name = 'Front desk'",
    "ledger entries, points": "SELECT count(*), sum(points) FROM clinic_loyalty_entry",
    "lots, points left": "SELECT count(*), sum(remaining) FROM clinic_loyalty_lot",
    "accounts, balances": "SELECT count(*), sum(balance) FROM clinic_loyalty_account",
    "daily entries": "SELECT count(*) FROM clinic_loyalty_daily_move",
    "codes, codes of orders": "SELECT count(*), count(pos_order_id) FROM clinic_loyalty_otp_challenge",
    "points liability": """
        SELECT COALESCE(sum(l.balance), 0) FROM account_move_line l
          JOIN res_company c ON c.loyalty_liability_account_id = l.account_id
         WHERE l.parent_state = 'posted'""",
    "invoice points payments": """
        SELECT count(*) FROM account_payment p
          JOIN res_company c ON c.loyalty_payment_journal_id = p.journal_id""",
}


def figures(db):
    with odoo.sql_db.db_connect(db).cursor() as cr:
        result = {}
        for name, query in FIGURES.items():
            cr.execute(query)
            result[name] = tuple(str(value) for value in cr.fetchone())
        return result


def run(*args, timeout=1800):
    result = subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (args, result.stdout[-1500:], result.stderr[-3000:])


@pytest.fixture
def previous_tree(tmp_path):
    """The addons of the previous commit, and an Odoo configuration that
    serves them instead of this checkout's."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS, "addons", "tests"],
        capture_output=True,
        check=False,
    )
    assert archive.returncode == 0, f"the previous commit {PREVIOUS} is not in this clone: {archive.stderr!r}"
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(tmp_path, filter="data")
    parser = configparser.ConfigParser()
    parser.read(odoo.tools.config.rcfile)
    ours = str(ROOT / "addons")
    paths = [p for p in parser["options"]["addons_path"].split(",") if Path(p) != Path(ours)]
    parser["options"]["addons_path"] = ",".join([*paths, str(tmp_path / "addons")])
    conf = tmp_path / "previous.conf"
    with conf.open("w") as handle:
        parser.write(handle)
    return conf


@pytest.fixture
def upgrade_db():
    name = f"{odoo.tools.config['db_name']}_upgrade_check"
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    yield name
    odoo.sql_db.close_db(name)
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)


def test_upgrade_from_the_previous_layout_keeps_everything(previous_tree, upgrade_db):
    odoo_bin = ROOT / "scripts" / "odoo_bin.py"
    log = ROOT / "var" / "log" / f"{upgrade_db}.log"
    run(
        odoo_bin,
        "-c",
        previous_tree,
        "-d",
        upgrade_db,
        "-i",
        PREVIOUS_ADDONS,
        "--stop-after-init",
        "--logfile",
        log,
    )
    run(DATA, upgrade_db, previous_tree, "build")
    before = figures(upgrade_db)
    assert before["POS payments in points"][0] == "1" and before["invoice points payments"][0] == "1", before
    assert int(before["daily entries"][0]) >= 1 and before["codes, codes of orders"] == ("1", "1"), before
    with odoo.sql_db.db_connect(upgrade_db).cursor() as cr:
        cr.execute(
            "SELECT name, res_id FROM ir_model_data WHERE module = 'clinic_loyalty_otp' AND name LIKE 'pos%%'"
        )
        moved = dict(cr.fetchall())
    assert "pos_config_front_desk_demo" in moved

    run(
        odoo_bin, "-c", odoo.tools.config.rcfile, "-d", upgrade_db, "-u", PREVIOUS_ADDONS,
        "--stop-after-init", "--logfile", log,
    )  # fmt: skip

    assert figures(upgrade_db) == before
    with odoo.sql_db.db_connect(upgrade_db).cursor() as cr:
        cr.execute("SELECT name, state FROM ir_module_module WHERE name LIKE 'clinic_loyalty%%'")
        states = dict(cr.fetchall())
        assert states["clinic_loyalty_pos"] == "installed", states
        assert states["clinic_loyalty_otp"] == "installed", states
        cr.execute(
            """SELECT d.name FROM ir_module_module_dependency d
                 JOIN ir_module_module m ON m.id = d.module_id WHERE m.name = 'clinic_loyalty_otp'"""
        )
        assert "point_of_sale" not in {name for (name,) in cr.fetchall()}
        cr.execute(
            "SELECT name, res_id FROM ir_model_data WHERE module = 'clinic_loyalty_pos' AND name = ANY(%s)",
            [list(moved)],
        )
        assert dict(cr.fetchall()) == moved, "the POS records lost or changed their xml ids"
        cr.execute(
            "SELECT count(*) FROM ir_model_data WHERE module = 'clinic_loyalty_otp' AND name LIKE 'pos%%'"
        )
        assert cr.fetchone()[0] == 0
    # The nightly jobs, now with this layout's code, find nothing new to do.
    run(DATA, upgrade_db, odoo.tools.config.rcfile, "nightly")
    assert figures(upgrade_db) == before


def test_the_code_addon_installs_without_the_point_of_sale(upgrade_db):
    """A clinic that bills by invoice gets SMS codes without Point of Sale
    (and Inventory); the bridge addon stays out until the POS is installed."""
    log = ROOT / "var" / "log" / f"{upgrade_db}.log"
    run(
        ROOT / "scripts" / "odoo_bin.py", "-c", odoo.tools.config.rcfile, "-d", upgrade_db,
        "-i", "clinic_loyalty_otp", "--without-demo=all", "--stop-after-init", "--logfile", log,
    )  # fmt: skip
    with odoo.sql_db.db_connect(upgrade_db).cursor() as cr:
        cr.execute(
            """SELECT name, state FROM ir_module_module
                WHERE name IN ('clinic_loyalty_otp', 'clinic_loyalty_pos', 'point_of_sale', 'stock')"""
        )
        states = dict(cr.fetchall())
    assert states["clinic_loyalty_otp"] == "installed", states
    assert states["point_of_sale"] == "uninstalled" and states["stock"] == "uninstalled", states
    assert states["clinic_loyalty_pos"] == "uninstalled", states
