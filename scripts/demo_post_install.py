"""Runs the nightly accrual once on a fresh demo database so balances (and
their journal entry) show, and makes the portal client's oldest points (its
visit almost two years ago) expire in twelve days: the ledger dates what a
visit earns on the day it is counted, so only the demo set-up can show
points that are about to expire."""

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
    old_visit = env.ref("clinic_loyalty.invoice_10_demo", raise_if_not_found=False)
    if old_visit:
        cr.execute(
            """UPDATE clinic_loyalty_lot l SET expiry_date = CURRENT_DATE + 12
                 FROM clinic_loyalty_entry e
                WHERE e.id = l.entry_id AND e.res_model = 'account.move' AND e.res_id = %s
                  AND l.remaining > 0""",
            [old_visit.id],
        )
        env.invalidate_all()
