"""The SQL of the daily loyalty entry (``clinic.loyalty.daily.move``), built
from plain values (no ORM)."""

from odoo.tools import SQL


def last_day(company_id):
    """The value of a point and the points booked by the clinic's last day."""
    return SQL(
        """SELECT point_value, booked_points FROM clinic_loyalty_daily_move
            WHERE company_id = %s ORDER BY date DESC, id DESC LIMIT 1""",
        company_id,
    )


def insert_day(company_id, date, value, uid):
    """INSERT of the clinic's day row, RETURNING its id (nothing when the day
    is booked already)."""
    return SQL(
        """INSERT INTO clinic_loyalty_daily_move
               (company_id, date, point_value, booked_points, create_uid, write_uid,
                create_date, write_date)
           VALUES (%s, %s, %s, 0, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
           ON CONFLICT (company_id, date) DO NOTHING RETURNING id""",
        company_id,
        date,
        value,
        uid,
        uid,
    )


def pick_entries(daily_id, company_id, paid_kinds, paid, scope):
    """Link the clinic's unbooked entries within ``scope`` (SQL on ``e``) to
    the day ``daily_id`` and return their aggregate: (kind, paid source?,
    points, money the payment booked, count)."""
    return SQL(
        """
            WITH picked AS (
                INSERT INTO clinic_loyalty_move_link (entry_id, daily_move_id)
                SELECT e.id, %(daily)s
                  FROM clinic_loyalty_entry e
                 WHERE e.company_id = %(company)s
                   AND NOT EXISTS (SELECT 1 FROM clinic_loyalty_move_link l WHERE l.entry_id = e.id)
                   AND %(scope)s
                ON CONFLICT (entry_id) DO NOTHING
                RETURNING entry_id
            )
            SELECT e.kind,
                   e.kind IN %(paid_kinds)s AND COALESCE(e.res_model = ANY(%(paid)s), FALSE) AS paid,
                   SUM(e.points), SUM(SIGN(e.points) * ABS(COALESCE(e.amount, 0))), COUNT(*)
              FROM clinic_loyalty_entry e JOIN picked p ON p.entry_id = e.id
             GROUP BY 1, 2
        """,
        daily=daily_id,
        company=company_id,
        paid_kinds=paid_kinds,
        paid=paid,
        scope=scope,
    )


def booked_negative(company_id):
    """Sum of the negative booked balances of the clinic's accounts."""
    return SQL(
        """SELECT COALESCE(SUM(LEAST(a.balance - COALESCE(u.points, 0), 0)), 0)
                     FROM clinic_loyalty_account a
                     LEFT JOIN (SELECT e.account_id, SUM(e.points) AS points FROM clinic_loyalty_entry e
                                 WHERE e.company_id = %(company)s
                                   AND NOT EXISTS (SELECT 1 FROM clinic_loyalty_move_link l
                                                    WHERE l.entry_id = e.id)
                                 GROUP BY e.account_id) u ON u.account_id = a.id
                    WHERE a.company_id = %(company)s AND (a.balance < 0 OR u.points IS NOT NULL)""",
        company=company_id,
    )
