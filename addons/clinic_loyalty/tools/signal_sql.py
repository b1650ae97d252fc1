"""The queries of the staff signals' review (``clinic.loyalty.signal``):
one SQL per kind of finding, built from plain values (no ORM)."""

from odoo.tools import SQL

# The staff of each clinic: internal users working there, with their contact's
# email and the last nine digits of its numbers (a number typed with or
# without its country prefix still matches).
STAFF_CTE = """
    staff AS (
        SELECT u.id AS user_id, cu.cid AS company_id, p.id AS partner_id,
               NULLIF(lower(trim(p.email)), '') AS email,
               NULLIF(right(regexp_replace(COALESCE(p.mobile, ''), '\\D', '', 'g'), 9), '') AS mobile9,
               NULLIF(right(regexp_replace(COALESCE(p.phone, ''), '\\D', '', 'g'), 9), '') AS phone9
          FROM res_users u
          JOIN res_company_users_rel cu ON cu.user_id = u.id
          JOIN res_partner p ON p.id = u.partner_id
         WHERE u.active AND NOT u.share
    )"""


def _digits9(column):
    return f"NULLIF(right(regexp_replace(COALESCE({column}, ''), '\\D', '', 'g'), 9), '')"


def staff_earning(company, since, now, threshold):
    return SQL(
        f"""
            WITH {STAFF_CTE},
            earned AS (
                SELECT e.id, e.partner_id, e.points, e.date, e.res_model, e.res_id,
                       NULLIF(lower(trim(p.email)), '') AS email,
                       {_digits9("p.mobile")} AS mobile9, {_digits9("p.phone")} AS phone9
                  FROM clinic_loyalty_entry e
                  JOIN res_partner p ON p.id = e.partner_id
                 WHERE e.company_id = %(company)s AND e.date >= %(since)s AND e.date < %(now)s
                   AND e.kind IN ('accrual', 'import') AND e.points > 0
            )
            SELECT s.user_id, e.partner_id, to_char(e.date, 'YYYY-MM') AS month,
                   SUM(e.points) AS points, array_agg(e.id) AS entry_ids, max(e.date)::date AS date,
                   bool_or(s.partner_id = e.partner_id) AS own,
                   array_agg(DISTINCT e.res_model) AS models, array_agg(DISTINCT e.res_id) AS res_ids
              FROM earned e
              JOIN staff s ON s.company_id = %(company)s AND (
                        s.partner_id = e.partner_id OR s.email = e.email
                        OR s.mobile9 IN (e.mobile9, e.phone9) OR s.phone9 IN (e.mobile9, e.phone9))
             GROUP BY s.user_id, e.partner_id, month
            HAVING SUM(e.points) > %(threshold)s
            """,
        company=company,
        since=since,
        now=now,
        threshold=threshold,
    )


def adjust_peers(company, since, now, min_points, factor):
    return SQL(
        """
            WITH per_user AS (
                SELECT e.user_id, to_char(e.date, 'YYYY-MM') AS month, SUM(e.points) AS points,
                       COUNT(*) AS n, array_agg(e.id) AS entry_ids, max(e.date)::date AS date
                  FROM clinic_loyalty_entry e
                 WHERE e.company_id = %(company)s AND e.date >= %(since)s AND e.date < %(now)s
                   AND e.kind = 'adjustment' AND e.points > 0 AND e.user_id IS NOT NULL
                 GROUP BY e.user_id, month
            ), totals AS (
                SELECT month, SUM(points) AS points, COUNT(*) AS users FROM per_user GROUP BY month
            )
            SELECT u.*, CASE WHEN t.users > 1 THEN (t.points - u.points)::float / (t.users - 1) ELSE 0 END
                        AS peers
              FROM per_user u JOIN totals t ON t.month = u.month
             WHERE u.points > %(min_points)s
               AND u.points > %(factor)s * CASE WHEN t.users > 1
                                                THEN (t.points - u.points)::float / (t.users - 1) ELSE 0 END
            """,
        company=company,
        since=since,
        now=now,
        min_points=min_points,
        factor=factor,
    )


def adjust_same_client(company, since, now, count):
    return SQL(
        """
            SELECT e.user_id, e.partner_id, to_char(e.date, 'YYYY-MM') AS month, SUM(e.points) AS points,
                   COUNT(*) AS n, array_agg(e.id) AS entry_ids, max(e.date)::date AS date
              FROM clinic_loyalty_entry e
             WHERE e.company_id = %(company)s AND e.date >= %(since)s AND e.date < %(now)s
               AND e.kind = 'adjustment' AND e.points > 0 AND e.user_id IS NOT NULL
             GROUP BY e.user_id, e.partner_id, month
            HAVING COUNT(*) >= %(count)s
            """,
        company=company,
        since=since,
        now=now,
        count=count,
    )


def adjust_after_refund(company, since, now, days):
    return SQL(
        """
            SELECT a.id, a.user_id, a.partner_id, a.points, a.date::date AS date,
                   array_agg(r.id) AS refund_ids, array_agg(DISTINCT r.res_model) AS models,
                   array_agg(DISTINCT r.res_id) AS res_ids
              FROM clinic_loyalty_entry a
              JOIN clinic_loyalty_entry r
                ON r.account_id = a.account_id AND r.kind = 'reversal' AND r.points < 0
               AND r.date <= a.date AND r.date >= a.date - make_interval(days => %(days)s)
             WHERE a.company_id = %(company)s AND a.date >= %(since)s AND a.date < %(now)s
               AND a.kind = 'adjustment' AND a.points > 0
             GROUP BY a.id
            """,
        company=company,
        since=since,
        now=now,
        days=days,
    )


def unpaid(company, since, grace):
    return SQL(
        """
            SELECT m.id AS move_id, m.name AS move_name, m.partner_id,
                   COALESCE(m.invoice_user_id, m.create_uid) AS user_id, m.payment_state,
                   s.points, s.entry_ids, s.date
              FROM (SELECT e.res_id, SUM(e.points) AS points, array_agg(e.id) AS entry_ids,
                           min(e.date) FILTER (WHERE e.points > 0)::date AS date
                      FROM clinic_loyalty_entry e
                     WHERE e.company_id = %(company)s AND e.res_model = 'account.move'
                       AND e.kind IN ('accrual', 'reversal')
                       AND e.res_id IN (SELECT res_id FROM clinic_loyalty_entry
                                         WHERE company_id = %(company)s AND res_model = 'account.move'
                                           AND kind = 'accrual' AND date >= %(since)s
                                           AND date < %(grace)s)
                     GROUP BY e.res_id) s
              JOIN account_move m ON m.id = s.res_id
             WHERE s.points > 0 AND m.payment_state NOT IN ('paid', 'in_payment')
            """,
        company=company,
        since=since,
        grace=grace,
    )


def redeem_absent(presence, company, since, now):
    return SQL(
        """
            WITH presence AS (%(presence)s)
            SELECT e.id, e.user_id, e.partner_id, -e.points AS points, e.date::date AS date,
                   e.res_model, e.res_id
              FROM clinic_loyalty_entry e
              JOIN res_users u ON u.id = e.user_id AND NOT u.share
             WHERE e.company_id = %(company)s AND e.date >= %(since)s AND e.date < %(now)s
               AND e.kind = 'redemption' AND e.points < 0
               AND NOT EXISTS (
                    SELECT 1 FROM presence p(partner_id, company_id, day, res_model, res_id)
                     WHERE p.partner_id = e.partner_id AND p.company_id = e.company_id
                       AND p.day = e.date::date
                       AND (p.res_model IS DISTINCT FROM e.res_model OR p.res_id IS DISTINCT FROM e.res_id))
               AND NOT EXISTS (
                    SELECT 1 FROM clinic_loyalty_entry x
                     WHERE x.account_id = e.account_id AND x.kind IN ('accrual', 'import')
                       AND x.date::date = e.date::date)
            """,
        presence=presence,
        company=company,
        since=since,
        now=now,
    )


def invoice_presence():
    """Days a client was at the clinic by their invoices: (partner_id,
    company_id, day, res_model, res_id)."""
    return SQL(
        """SELECT m.commercial_partner_id, m.company_id, m.invoice_date, 'account.move', m.id
             FROM account_move m
            WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')"""
    )
