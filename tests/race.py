"""Races on separate, committed database connections (cross-addon tests)."""

import functools
import threading

from odoo import api
from odoo.exceptions import UserError
from odoo.service.model import retrying


def run_concurrently(registry, uid, action, n):
    """Run ``action(env, i)`` in ``n`` threads, each on its own connection and
    transaction (retried on serialization failures, as Odoo's HTTP layer
    does). All transactions take their snapshot before any of them acts.
    Returns the list of outcomes: "ok" or the UserError message."""
    ready = threading.Barrier(n)
    outcomes = [None] * n

    def worker(i):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                env.cr.execute("SELECT 1")  # start the transaction (snapshot) before the others act
                ready.wait(timeout=30)
                retrying(functools.partial(action, env, i), env)
            outcomes[i] = "ok"
        except UserError as e:
            outcomes[i] = e.args[0]
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = f"unexpected {type(e).__name__}: {e}"

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing transaction hung"
    return outcomes


def books(env, account_id):
    env.cr.execute("SELECT balance FROM clinic_loyalty_account WHERE id = %s", [account_id])
    balance = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT COALESCE(SUM(points), 0) FROM clinic_loyalty_entry WHERE account_id = %s", [account_id]
    )
    return balance, env.cr.fetchone()[0]
