"""`make run`'s demo clinic holds what a newcomer tries, and the addons never
point a database at the client's phone (the fake SMS gateway): only
scripts/run.sh does, in the demo database."""

import subprocess
import sys
from pathlib import Path

import pytest

import odoo

ROOT = Path(__file__).resolve().parent.parent
ADDONS = "clinic_loyalty,clinic_loyalty_otp,clinic_loyalty_pos,clinic_loyalty_pms_import"


def test_the_addons_never_configure_the_sms_gateway(new_env):
    """The test database is installed from the addons without demo data: SMS
    go to Odoo's own IAP service unless someone chose otherwise."""
    with new_env() as env:
        assert env["ir.config_parameter"].get_param("sms.endpoint") is False
        assert env["ir.config_parameter"].get_param("iap.endpoint") is False
    for path in (ROOT / "addons").rglob("*"):
        # (a test may point its own rolled-back transaction at a gateway it serves)
        if path.suffix in (".py", ".xml", ".csv", ".js") and "tests" not in path.parts:
            assert "sms.endpoint" not in path.read_text(errors="replace"), path


@pytest.fixture
def demo_db():
    name = f"{odoo.tools.config['db_name']}_demo_check"
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    yield name
    odoo.sql_db.close_db(name)
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)


def test_the_demo_holds_balances(demo_db):
    (ROOT / "var" / "log" / f"{demo_db}.log").unlink(missing_ok=True)  # this run's log only
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "odoo_bin.py"),
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            demo_db,
            "-i",
            ADDONS,
            "--stop-after-init",
            "--logfile",
            str(ROOT / "var" / "log" / f"{demo_db}.log"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    log = (ROOT / "var" / "log" / f"{demo_db}.log").read_text(errors="replace")
    assert "demo data failed to install" not in log
    # then what `make run` does on a new demo database
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_post_install.py"), demo_db, odoo.tools.config.rcfile],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with odoo.sql_db.db_connect(demo_db).cursor() as cr:
        cr.execute("SELECT count(*), sum(balance) FROM clinic_loyalty_account WHERE balance > 0")
        clients, points = cr.fetchone()
        assert clients >= 4 and points > 0
        cr.execute(
            """SELECT c.id FROM pos_config c
                 JOIN pos_config_pos_payment_method_rel r ON r.pos_config_id = c.id
                 JOIN pos_payment_method m ON m.id = r.pos_payment_method_id
                WHERE c.name = 'Front desk' AND m.use_payment_terminal = 'clinic_loyalty'"""
        )
        assert cr.fetchall(), "no Front desk shop with the Loyalty points method"
        cr.execute(
            """SELECT count(*) FROM clinic_loyalty_entry
                WHERE res_model = 'pos.order' AND points > 0"""
        )
        assert cr.fetchone()[0] >= 2, "no paid front desk order earned"
        cr.execute(
            """SELECT count(*) FROM product_template
                WHERE available_in_pos AND active
                  AND (loyalty_eligible ->> (SELECT res_id FROM ir_model_data
                                              WHERE module = 'base' AND name = 'main_company')::text
                      )::boolean"""
        )
        assert cr.fetchone()[0] >= 5, "the eligible billing codes are not sold at the POS"
        cr.execute(
            """SELECT a.balance FROM res_users u
                 JOIN clinic_loyalty_account a ON a.partner_id = u.partner_id
                WHERE u.login = 'portal'"""
        )
        assert cr.fetchone()[0] > 0, "the portal client has no points"
        cr.execute(
            """SELECT count(*) FROM clinic_loyalty_reward_request q
                 JOIN res_users u ON u.partner_id = q.partner_id
                WHERE u.login = 'portal' AND q.state = 'pending'"""
        )
        assert cr.fetchone()[0] == 1, "the portal client has no pending request"
        cr.execute(
            """SELECT sum(l.remaining) FROM clinic_loyalty_lot l
                 JOIN clinic_loyalty_account a ON a.id = l.account_id
                 JOIN res_users u ON u.partner_id = a.partner_id
                WHERE u.login = 'portal' AND l.expiry_date < CURRENT_DATE + 30"""
        )
        assert cr.fetchone()[0], "the portal client has no points expiring soon"
        cr.execute(
            """SELECT count(*) FROM clinic_loyalty_pms_import i
                 JOIN res_company c ON c.id = i.company_id
                WHERE i.state = 'done' AND c.name = 'Riverside Animal Hospital'"""
        )
        assert cr.fetchone()[0] == 1, "no PMS export imported for the second clinic"
        cr.execute(
            """SELECT count(*), sum(a.balance) FROM clinic_loyalty_account a
                 JOIN res_company c ON c.id = a.company_id
                WHERE c.name = 'Riverside Animal Hospital' AND a.balance > 0"""
        )
        clients, points = cr.fetchone()
        assert clients >= 2 and points > 0, "the imported visits earned nothing"
        cr.execute("SELECT count(*) FROM res_company WHERE name ILIKE '%%vet%%' OR name ILIKE '%%animal%%'")
        assert cr.fetchone()[0] >= 2, "the demo clinics are not named like clinics"
        # The demo itself never uses the SMS gateway: run.sh points it there.
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'sms.endpoint'")
        assert not cr.fetchall()
