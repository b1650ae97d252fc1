"""Runs the nightly PMS drop-folder import of one profile, as the cron would
(a separate process, so a test can SIGKILL it mid-file)."""

import argparse

import odoo
from odoo import SUPERUSER_ID, api

parser = argparse.ArgumentParser()
parser.add_argument("--db", required=True)
parser.add_argument("--config", required=True)
parser.add_argument("--profile", type=int, required=True)
args = parser.parse_args()

odoo.tools.config.parse_config(["-c", args.config, "--logfile", "", "--log-level", "warn"])
registry = odoo.modules.registry.Registry(args.db)
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    logs = env["clinic.loyalty.pms.profile"].browse(args.profile)._import_drop_folder(commit=True)
    print(",".join(f"{log.file_name}:{log.state}" for log in logs), flush=True)
