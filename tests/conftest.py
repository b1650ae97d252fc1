"""Fixtures for the cross-addon tests: real, separately committed connections.

pytest-odoo has loaded Odoo with the test database (``--odoo-database``).
Tests here open their own cursors on that database and COMMIT, so they can
exercise what a single TransactionCase cannot (races, crashes, several
connections). Each test cleans up what it committed through ``committed``.
"""

import contextlib

import pytest

import odoo
from odoo import SUPERUSER_ID, api


@pytest.fixture(scope="session")
def registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


@pytest.fixture
def new_env(registry):
    """``with new_env() as env:`` a new connection, committed on exit."""

    @contextlib.contextmanager
    def _new_env(uid=SUPERUSER_ID, context=None):
        with registry.cursor() as cr:
            yield api.Environment(cr, uid, context or {})

    return _new_env
