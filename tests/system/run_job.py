"""Runs one nightly job on a database as the cron would, committing as it
goes (a separate process, so a test can SIGKILL it mid-run):

- ``accrual`` / ``expiry``: batch by batch (``--batch-size``), a commit after each;
- ``nightly``: the accrual cron as it runs at night (accrual, then the daily entries);
- ``next-night-books``: the daily entries as the next night's cron makes them (its
  cut-off books what happened before that night, today's entries included);
- ``pms-import``: the drop folder of one PMS profile (``--profile``), file by file.
"""

import argparse
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields


def run_accrual(env, args):
    return f"accrued {env['clinic.loyalty.accrual']._run_accrual(batch_size=args.batch_size, commit=True)}"


def run_nightly(env, args):
    """The nightly accrual cron: every clinic accrues, then its daily journal entry."""
    env["clinic.loyalty.accrual"]._cron_accrue()
    return "nightly done"


def run_next_night_books(env, args):
    """The daily entries of the next night: the nightly cron books what happened
    before the day it runs, so today's accrual is booked then, dated today."""
    tomorrow = fields.Date.context_today(env["res.company"]) + timedelta(days=1)
    moves = env["clinic.loyalty.daily.move"].with_context(loyalty_cutoff=True)
    return f"booked {len(moves._run_daily_moves(date=tomorrow, commit=True))}"


def run_expiry(env, args):
    return f"expired {env['clinic.loyalty.expiry']._run_expiry(batch_size=args.batch_size, commit=True)}"


def run_pms_import(env, args):
    logs = env["clinic.loyalty.pms.profile"].browse(args.profile)._import_drop_folder(commit=True)
    return ",".join(f"{log.file_name}:{log.state}" for log in logs)


JOBS = {
    "accrual": run_accrual,
    "nightly": run_nightly,
    "next-night-books": run_next_night_books,
    "expiry": run_expiry,
    "pms-import": run_pms_import,
}

parser = argparse.ArgumentParser()
parser.add_argument("job", choices=sorted(JOBS))
parser.add_argument("--db", required=True)
parser.add_argument("--config", required=True)
parser.add_argument("--batch-size", type=int, default=500)
parser.add_argument("--profile", type=int)
args = parser.parse_args()

odoo.tools.config.parse_config(["-c", args.config, "--logfile", "", "--log-level", "warn"])
registry = odoo.modules.registry.Registry(args.db)
with registry.cursor() as cr:
    print(JOBS[args.job](api.Environment(cr, SUPERUSER_ID, {}), args), flush=True)
