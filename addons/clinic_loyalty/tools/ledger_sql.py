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
