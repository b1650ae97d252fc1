"""Races: contenders started together, on separate connections (the tests
beside this file) or separate HTTP sessions (tests/system)."""

import functools
import threading

from odoo import api
from odoo.exceptions import UserError
from odoo.service.model import retrying


def race(n, contender, *, timeout=120):
    """Run ``contender(i, start)`` in ``n`` threads. Each calls ``start()``
    when it is ready to act: none acts before all are ready. Returns what
    each returned, or ``"unexpected <error>"`` for an exception it let
    escape. Fails if a contender is still running after ``timeout`` s."""
    ready = threading.Barrier(n)
    outcomes = [None] * n

    def start():
        ready.wait(timeout=timeout)

    def run(i):
        try:
            outcomes[i] = contender(i, start)
        except Exception as e:  # noqa: BLE001 - reported by the caller's assertions
            outcomes[i] = f"unexpected {type(e).__name__}: {e}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a racing contender hung"
    return outcomes


def run_concurrently(registry, uid, action, n):
    """Run ``action(env, i)`` in ``n`` threads, each on its own connection and
    transaction (retried on serialization failures, as Odoo's HTTP layer
    does). All transactions take their snapshot before any of them acts.
    Returns the list of outcomes: "ok" or the UserError message."""

    def contender(i, start):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                env.cr.execute("SELECT 1")  # start the transaction (snapshot) before the others act
                start()
                retrying(functools.partial(action, env, i), env)
            return "ok"
        except UserError as e:
            return e.args[0]

    return race(n, contender)


def books(env, account_id):
    env.cr.execute("SELECT balance FROM clinic_loyalty_account WHERE id = %s", [account_id])
    balance = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT COALESCE(SUM(points), 0) FROM clinic_loyalty_entry WHERE account_id = %s", [account_id]
    )
    return balance, env.cr.fetchone()[0]
