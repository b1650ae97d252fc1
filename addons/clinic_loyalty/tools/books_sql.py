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


def link_index():
    """One link per entry: an entry is booked by one day at most."""
    return SQL(
        """CREATE UNIQUE INDEX IF NOT EXISTS clinic_loyalty_move_link_entry_uniq
               ON clinic_loyalty_move_link (entry_id);
           -- the relation's own (entry_id, daily_move_id) index is
           -- redundant with the unique one: one index less per entry booked
           DROP INDEX IF EXISTS clinic_loyalty_move_link_entry_id_daily_move_id_idx;"""
    )


def held():
    """Condition on the entry ``e``: its points are held by a reward request
    still pending (not booked as spent until handed over)."""
    return SQL(
        """(e.res_model = 'clinic.loyalty.reward.request' AND EXISTS (
               SELECT 1 FROM clinic_loyalty_reward_request r
                WHERE r.id = e.res_id AND r.state = 'pending'))"""
    )


def booking_scope(until=None):
    """Condition on the entry ``e``: which unbooked entries a run books (not
    those a pending request holds, none from ``until`` on)."""
    scope = SQL("NOT %s", held())
    return SQL("%s AND e.date < %s", scope, until) if until else scope


def set_booked(daily_id, points):
    return SQL("UPDATE clinic_loyalty_daily_move SET booked_points = %s WHERE id = %s", points, daily_id)


def set_negative(daily_id, points):
    return SQL("UPDATE clinic_loyalty_daily_move SET negative_points = %s WHERE id = %s", points, daily_id)


def delete_day(daily_id):
    return SQL("DELETE FROM clinic_loyalty_daily_move WHERE id = %s", daily_id)


def previous_negative(company_id, daily_id):
    """The negative points booked by the clinic's last day before ``daily_id``."""
    return SQL(
        """SELECT negative_points FROM clinic_loyalty_daily_move
            WHERE company_id = %s AND id != %s ORDER BY date DESC, id DESC LIMIT 1""",
        company_id,
        daily_id,
    )


def unbook_later(daily_ids, points, owed):
    """Take an unbooked day's points off the running totals of the later days."""
    return SQL(
        """UPDATE clinic_loyalty_daily_move
              SET booked_points = booked_points - %s, negative_points = negative_points - %s
            WHERE id = ANY(%s)""",
        points,
        owed,
        daily_ids,
    )
