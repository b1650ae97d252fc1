"""The steps of posting ledger entries (``clinic.loyalty.account._post_entries``)
that read no ORM record: which entries are new, the limits an entry and a
balance respect, the rows inserted and the balance moves."""

from psycopg2.extras import execute_values

from odoo.exceptions import UserError, ValidationError

from . import ledger_sql

# The largest number of points an entry, a balance, a lot or a document holds
# (their columns are int4); checked before every insert.
MAX_POINTS = 2**31 - 1


def fresh(cr, owner, entries):
    """``entries`` less those posted already (a replayed key) and repeated:
    the INSERT skips them, they must not count towards the balance a
    redemption is checked on. ``owner``: {account id: (partner id, company id)}."""
    keys = {(owner[e["account_id"]][1], e["key"]) for e in entries}
    cr.execute(ledger_sql.posted_keys(keys))
    seen = set(cr.fetchall())
    result = []
    for e in entries:
        if (owner[e["account_id"]][1], e["key"]) not in seen:
            seen.add((owner[e["account_id"]][1], e["key"]))
            result.append(e)
    return result


def check(env, entries, balances):
    """Refuse an entry or a balance over ``MAX_POINTS`` and a redemption
    that takes a balance below zero (``balances``: {account id: balance})."""
    projected = dict(balances)
    for e in entries:
        projected[e["account_id"]] += e["points"]
        if abs(e["points"]) > MAX_POINTS or abs(projected[e["account_id"]]) > MAX_POINTS:
            # Checked before the INSERT: an int4 overflow would abort the
            # whole transaction with no word of which document caused it.
            raise ValidationError(
                env._(
                    "%(points)s points cannot be posted on one account: a balance or an entry is limited "
                    "to %(max)s points. Check the amount of %(document)s.",
                    points=e["points"],
                    max=MAX_POINTS,
                    document=e.get("source_name") or e["key"],
                )
            )
        if e["kind"] == "redemption" and e["points"] < 0 and projected[e["account_id"]] < 0:
            raise UserError(
                env._(
                    "Not enough points: the balance is %(balance)s, the redemption needs %(points)s.",
                    balance=balances[e["account_id"]],
                    points=-e["points"],
                )
            )


def rows(entries, owner, staff, uid, now):
    """The rows of ``ledger_sql.INSERT_ENTRIES`` (``staff``: the partner ids
    whose earnings are staff purchases)."""
    return [
        (
            e["account_id"],
            owner[e["account_id"]][0],
            owner[e["account_id"]][1],
            e["points"],
            e.get("amount") or 0.0,
            e["kind"],
            e.get("date") or now,
            e.get("user_id") or uid,
            e.get("reason"),
            e.get("res_model"),
            e.get("res_id") or None,
            e.get("source_name"),
            e["key"],
            bool(e.get("staff_check")) and owner[e["account_id"]][0] in staff,
            uid,
            uid,
        )
        for e in entries
    ]


def insert(cr, values):
    """Insert the rows ``values``: [(id, account id, points, key)] inserted."""
    if not values:
        return []
    return execute_values(
        cr._obj,
        ledger_sql.INSERT_ENTRIES,
        values,
        page_size=1000,
        fetch=True,
        template=ledger_sql.ENTRY_TEMPLATE,
    )


def move_balances(cr, account_ids, inserted, carry):
    """Move the balances of ``account_ids`` by what was ``inserted`` and set
    their ``carry`` ({account id: spend carry}, optional)."""
    deltas = {}
    for _id, account_id, points, _key in inserted:
        deltas[account_id] = deltas.get(account_id, 0) + points
    updates = [
        (a, deltas.get(a, 0), (carry or {}).get(a))
        for a in account_ids
        if deltas.get(a) or (carry and a in carry)
    ]
    if updates:
        ids, moves, carries = (list(column) for column in zip(*updates, strict=True))
        cr.execute(ledger_sql.move_balances(ids, moves, carries))


def staff_partners(cr, partner_ids):
    """The ids among ``partner_ids`` (account owners, commercial partners)
    that are the contact of an active internal user, or the commercial entity
    of such a contact: what they earn is a staff purchase (one query)."""
    if not partner_ids:
        return set()
    cr.execute(ledger_sql.staff_partners(partner_ids))
    return {pid for (pid,) in cr.fetchall()} & set(partner_ids)


def insert_accounts(cr, pairs, uid):
    """Create the accounts of ``pairs`` (partner id, company id) missing:
    [(account id,)] created."""
    return execute_values(
        cr._obj, ledger_sql.INSERT_ACCOUNTS, [(p, c, uid) for p, c in pairs], page_size=1000, fetch=True
    )
