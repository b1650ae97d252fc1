"""Runs the nightly accrual once on a fresh demo database so balances (and
their journal entry) show."""

import sys

import odoo
from odoo.tools import config

db, conf = sys.argv[1], sys.argv[2]
config.parse_config(["-c", conf, "--logfile", ""])
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env["clinic.loyalty.accrual"]._run_accrual()
    env["clinic.loyalty.daily.move"]._run_daily_moves()
