"""The SQL of the ledger (``clinic.loyalty.account``), built from plain values
(no ORM)."""

from odoo.tools import SQL

# Accounts of (partner, company, uid) rows, none twice (execute_values).
INSERT_ACCOUNTS = """
            INSERT INTO clinic_loyalty_account
                (partner_id, company_id, balance, spend_carry, active,
                 create_uid, write_uid, create_date, write_date)
            SELECT v.partner_id, v.company_id, 0, 0, TRUE, v.uid, v.uid,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v(partner_id, company_id, uid)
            ON CONFLICT (partner_id, company_id) DO NOTHING
            RETURNING id
        """


def account_ids(pairs):
    """(partner id, company id, account id) of the accounts of ``pairs``."""
    return SQL(
        """SELECT partner_id, company_id, id FROM clinic_loyalty_account
                WHERE (partner_id, company_id) IN %s""",
        tuple(pairs),
    )


# Ledger entries of rows in the order of ``_post_entries``, none twice per
# (company, key) (execute_values); typed: a column that is NULL on every row
# must not become text.
INSERT_ENTRIES = """
            INSERT INTO clinic_loyalty_entry
                (account_id, partner_id, company_id, points, amount, kind, date, user_id,
                 reason, res_model, res_id, source_name, key, staff_purchase, create_uid, write_uid,
                 create_date, write_date)
            SELECT v.*, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v
            ON CONFLICT (company_id, key) DO NOTHING
            RETURNING id, account_id, points, key
        """
ENTRY_TEMPLATE = (
    "(%s, %s, %s, %s, %s::numeric, %s, %s::timestamp, %s, %s, %s, %s::int, %s, %s, %s::bool, %s, %s)"
)


def move_balances(ids, moves, carries):
    """Add ``moves`` to the balances of the accounts ``ids`` and set their
    spend carry (``carries``, None: unchanged). The id filter lets PostgreSQL
    probe the primary key instead of scanning every account."""
    return SQL(
        """
                UPDATE clinic_loyalty_account a
                   SET balance = a.balance + v.delta,
                       spend_carry = COALESCE(v.carry, a.spend_carry),
                       write_date = now() at time zone 'UTC'
                  FROM unnest(%(ids)s::int[], %(moves)s::int[], %(carries)s::numeric[]) AS v(id, delta, carry)
                 WHERE a.id = v.id AND a.id = ANY(%(ids)s::int[])
            """,
        ids=ids,
        moves=moves,
        carries=carries,
    )


def drift(only):
    """(account id, balance, sum of entries) of the accounts whose balance
    is not the sum of their entries; ``only``: SQL condition on ``a``."""
    return SQL(
        """
            SELECT a.id, a.balance, COALESCE(s.total, 0)
              FROM clinic_loyalty_account a
              LEFT JOIN (SELECT account_id, SUM(points) AS total
                           FROM clinic_loyalty_entry GROUP BY account_id) s
                     ON s.account_id = a.id
             WHERE a.balance <> COALESCE(s.total, 0) %s
        """,
        only,
    )


def lock(ids):
    """Row-lock the accounts ``ids`` (sorted, so two lockers never deadlock):
    (id, balance) read under the lock."""
    return SQL(
        """SELECT id, balance FROM clinic_loyalty_account
                WHERE id IN %s ORDER BY id FOR NO KEY UPDATE""",
        tuple(ids),
    )


def owners(ids):
    """(account id, partner id, company id) of the accounts ``ids``."""
    return SQL("SELECT id, partner_id, company_id FROM clinic_loyalty_account WHERE id IN %s", tuple(ids))


def posted_keys(keys):
    """The (company id, key) among ``keys`` posted already."""
    return SQL("SELECT company_id, key FROM clinic_loyalty_entry WHERE (company_id, key) IN %s", tuple(keys))


def staff_partners(partner_ids):
    """Ids of the contacts of active internal users among ``partner_ids``,
    and of their commercial entities (a superset: intersect)."""
    return SQL(
        """SELECT DISTINCT unnest(ARRAY[p.id, p.commercial_partner_id])
             FROM res_users u JOIN res_partner p ON p.id = u.partner_id
            WHERE u.active AND NOT u.share
              AND (p.id = ANY(%(ids)s) OR p.commercial_partner_id = ANY(%(ids)s))""",
        ids=list(partner_ids),
    )


def expiry_schedule(account_id, until, limit):
    """(date, points) of the account's live points that expire, the first
    ``limit`` dates (all when None), up to ``until`` if given."""
    return SQL(
        """SELECT expiry_date, SUM(remaining) FROM clinic_loyalty_lot
            WHERE account_id = %(account)s AND remaining > 0 AND expiry_date IS NOT NULL
              AND (%(until)s::date IS NULL OR expiry_date <= %(until)s::date)
            GROUP BY expiry_date ORDER BY expiry_date LIMIT %(limit)s""",
        account=account_id,
        until=until,
        limit=limit,
    )


# (account id, balance, points in live lots) of the accounts whose live lots
# do not hold exactly their positive balance.
LOT_DRIFT = """
            SELECT a.id, a.balance, COALESCE(l.total, 0)
              FROM clinic_loyalty_account a
              LEFT JOIN (SELECT account_id, SUM(remaining) AS total FROM clinic_loyalty_lot
                          WHERE remaining > 0 GROUP BY account_id) l ON l.account_id = a.id
             WHERE GREATEST(a.balance, 0) <> COALESCE(l.total, 0)
        """
