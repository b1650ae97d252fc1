"""`make run`, after the demo database is ready: points it at the client's
phone (the fake SMS gateway, scripts/sms_gateway.py) and prints what the
demo holds. Only the demo database is ever pointed at the gateway: the
addons never set ``sms.endpoint``.

    python scripts/demo_phone.py DB ODOO_CONF GATEWAY_URL
"""

import sys

import odoo
from odoo.tools import config

db, conf, gateway_url = sys.argv[1], sys.argv[2], sys.argv[3]
config.parse_config(["-c", conf, "--logfile", ""])
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env["ir.config_parameter"].set_param("sms.endpoint", gateway_url)
    env["iap.account"].get("sms")  # the SMS API sends with an IAP account's token
    print("\n  What the demo holds:")
    for company in env["res.company"].search([]):
        accounts = env["clinic.loyalty.account"].search(
            [("company_id", "=", company.id), ("balance", ">", 0)]
        )
        if not accounts:
            continue
        points = sum(accounts.mapped("balance"))
        value = company.currency_id.format(points * company.loyalty_point_value)
        print(
            f"    {company.name}: {len(accounts)} clients with points, {points} points in all, "
            f"liability {value} (at {company.loyalty_point_value} per point)"
        )
        for account in accounts:
            phone = account.partner_id.mobile or account.partner_id.phone or "no phone"
            print(f"      {account.partner_id.name} ({phone}): {account.balance} points")
