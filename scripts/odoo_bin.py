"""Odoo's command line (what odoo-bin does), from the venv that has Odoo.

A script path, not ``python -m odoo``: Odoo's multi-worker server relaunches
``sys.argv[0]`` for its realtime (gevent) process, which needs a file.
"""

import os

os.environ["TZ"] = "UTC"  # as odoo-bin: set before the time module is used

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
