"""The staff signals of the one-time codes: each kind reads this addon's own
data (codes, numbers for codes) and feeds the one review of
``clinic.loyalty.signal``."""

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tools.signal_sql import STAFF_CTE, _digits9

from .loyalty_account import PHONE_CHANGE_HOLD

OTP_KINDS = [
    ("number_staff", "Number for codes of a staff member"),
    ("number_changed", "Number for codes changed, then used"),
    ("otp_codes", "Codes not verified or wrong"),
]


class ClinicLoyaltySignal(models.Model):
    _inherit = "clinic.loyalty.signal"

    kind = fields.Selection(selection_add=OTP_KINDS, ondelete={k: "cascade" for k, _label in OTP_KINDS})

    @api.model
    def _signal_find_number_staff(self, company, since, now):
        """A client's number for codes that is a staff member's phone: the
        codes reach the staff member, who spends the client's points."""
        rows = self._signal_fetch(
            SQL(
                f"""
            WITH {STAFF_CTE}
            SELECT a.id AS account_id, a.partner_id, s.user_id, a.otp_phone, a.balance
              FROM clinic_loyalty_account a
              JOIN staff s ON s.company_id = a.company_id AND s.partner_id <> a.partner_id
                          AND {_digits9("a.otp_phone")} IN (s.mobile9, s.phone9)
             WHERE a.company_id = %(company)s AND a.otp_phone IS NOT NULL
            """,
                company=company.id,
            )
        )
        return [
            self._signal_finding(
                "number_staff",
                f"{r['account_id']}:{r['user_id']}:{r['otp_phone']}",
                r,
                self.env._(
                    "The client's number for codes (%(otp_phone)s) is the staff member's phone: their codes "
                    "reach the staff member.",
                    **r,
                ),
                points=r["balance"],
                entry_ids=None,
                date=None,
                res_model="clinic.loyalty.account",
                res_ids=[r["account_id"]],
            )
            for r in rows
        ]

    @api.model
    def _signal_find_number_changed(self, company, since, now):
        """A number for codes changed, then a code verified on it within
        days: per change (the hold a change sets dates it), the cashiers who
        used the new number."""
        rows = self._signal_fetch(
            SQL(
                """
            WITH changes AS (
                SELECT a.id AS account_id, a.otp_phone AS phone, a.otp_hold_until - %(hold)s AS date
                  FROM clinic_loyalty_account a
                 WHERE a.company_id = %(company)s AND a.otp_hold_until IS NOT NULL
                   AND a.otp_hold_until - %(hold)s >= %(since)s
            )
            SELECT ch.account_id, c.user_id, c.partner_id, ch.phone, ch.date::date AS date,
                   to_char(ch.date, 'YYYY-MM-DD"T"HH24:MI:SS') AS changed_at,
                   SUM(c.points) AS points, array_agg(c.id) AS challenge_ids
              FROM changes ch
              JOIN clinic_loyalty_otp_challenge c
                ON c.account_id = ch.account_id AND c.company_id = %(company)s AND c.phone = ch.phone
               AND c.state IN ('verified', 'used') AND c.create_date >= ch.date
               AND c.create_date < ch.date + make_interval(days => %(days)s)
             GROUP BY ch.account_id, c.user_id, c.partner_id, ch.phone, ch.date
            """,
                company=company.id,
                since=since,
                hold=PHONE_CHANGE_HOLD,
                days=company.loyalty_signal_number_days,
            )
        )
        return [
            self._signal_finding(
                "number_changed",
                f"{r['account_id']}:{r['changed_at']}:{r['user_id']}",
                r,
                self.env._(
                    "The number for codes was changed to %(phone)s on %(date)s, then codes were verified on "
                    "it for %(points)s points within days.",
                    **r,
                ),
                entry_ids=None,
                res_model="clinic.loyalty.otp.challenge",
                res_ids=r["challenge_ids"],
            )
            for r in rows
        ]

    @api.model
    def _signal_find_otp_codes(self, company, since, now):
        """Codes a cashier requested and never verified, or wrong codes, per month."""
        rows = self._signal_fetch(
            SQL(
                """
            WITH per_user AS (
                SELECT c.user_id, to_char(c.create_date, 'YYYY-MM') AS month, c.id AS challenge_id,
                       c.points, 1 AS unverified, 0 AS wrong, c.create_date AS date
                  FROM clinic_loyalty_otp_challenge c
                 WHERE c.company_id = %(company)s AND c.create_date >= %(since)s AND c.create_date < %(now)s
                   AND c.verified_at IS NULL AND c.state NOT IN ('pending', 'sent')
                UNION ALL
                SELECT e.user_id, to_char(e.date, 'YYYY-MM'), e.challenge_id, 0, 0, 1, e.date
                  FROM clinic_loyalty_otp_event e
                 WHERE e.company_id = %(company)s AND e.date >= %(since)s AND e.date < %(now)s
                   AND e.kind = 'failure' AND e.user_id IS NOT NULL
            )
            SELECT user_id, month, SUM(unverified) AS unverified, SUM(wrong) AS wrong, SUM(points) AS points,
                   array_remove(array_agg(DISTINCT challenge_id), NULL) AS challenge_ids,
                   max(date)::date AS date
              FROM per_user
             GROUP BY user_id, month
            HAVING SUM(unverified) >= %(count)s OR SUM(wrong) >= %(count)s
            """,
                company=company.id,
                since=since,
                now=now,
                count=max(company.loyalty_signal_otp_count, 1),
            )
        )
        return [
            self._signal_finding(
                "otp_codes",
                f"{r['user_id']}:{r['month']}",
                r,
                self.env._(
                    "%(unverified)s codes requested and never verified, %(wrong)s wrong codes in %(month)s.",
                    **r,
                ),
                partner_id=None,
                entry_ids=None,
                res_model="clinic.loyalty.otp.challenge",
                res_ids=r["challenge_ids"],
            )
            for r in rows
        ]
