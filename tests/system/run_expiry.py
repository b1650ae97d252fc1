"""Runs the nightly points expiry on a database as the cron would, batch by
batch with a commit after each (a separate process, so a test can SIGKILL it)."""

import argparse

import odoo
from odoo import SUPERUSER_ID, api

parser = argparse.ArgumentParser()
parser.add_argument("--db", required=True)
parser.add_argument("--config", required=True)
parser.add_argument("--batch-size", type=int, default=500)
args = parser.parse_args()

odoo.tools.config.parse_config(["-c", args.config, "--logfile", "", "--log-level", "warn"])
registry = odoo.modules.registry.Registry(args.db)
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    done = env["clinic.loyalty.expiry"]._run_expiry(batch_size=args.batch_size, commit=True)
    print(f"expired {done}", flush=True)
