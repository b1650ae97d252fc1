"""The "Points liability" report: per clinic, the points clients hold, their
value, the liability account's balance and the difference (0 when the books
hold)."""

from odoo import fields, models
from odoo.tools import SQL

from .res_company_accounting import POINT_VALUE_DIGITS


class ClinicLoyaltyLiabilityReport(models.Model):
    _name = "clinic.loyalty.liability.report"
    _description = "Loyalty points liability"
    _auto = False
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", string="Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    points = fields.Integer(string="Outstanding points", readonly=True)
    point_value = fields.Float(string="Value of one point", digits=POINT_VALUE_DIGITS, readonly=True)
    value = fields.Monetary(string="Value of the points", readonly=True)
    unbooked_value = fields.Monetary(
        string="Not booked yet",
        readonly=True,
        help="Value of the entries the next daily journal entry will book.",
    )
    liability_account_id = fields.Many2one("account.account", string="Liability account", readonly=True)
    liability = fields.Monetary(
        string="Liability balance", readonly=True, help="Credit balance, posted entries."
    )
    difference = fields.Monetary(
        readonly=True, help="Value of the points − liability balance − not booked yet: must be 0."
    )

    @property
    def _table_query(self):
        return SQL("""
            SELECT c.id AS id, c.id AS company_id, c.currency_id,
                   COALESCE(a.points, 0) AS points, c.loyalty_point_value AS point_value,
                   COALESCE(a.points, 0) * c.loyalty_point_value AS value,
                   COALESCE(u.points, 0) * c.loyalty_point_value AS unbooked_value,
                   c.loyalty_liability_account_id AS liability_account_id,
                   -COALESCE(l.balance, 0) AS liability,
                   (COALESCE(a.points, 0) - COALESCE(u.points, 0)) * c.loyalty_point_value
                       + COALESCE(l.balance, 0) AS difference
              FROM res_company c
              LEFT JOIN (SELECT company_id, SUM(balance) AS points FROM clinic_loyalty_account
                          GROUP BY company_id) a ON a.company_id = c.id
              LEFT JOIN (SELECT e.company_id, SUM(e.points) AS points FROM clinic_loyalty_entry e
                          WHERE NOT EXISTS (SELECT 1 FROM clinic_loyalty_move_link k WHERE k.entry_id = e.id)
                          GROUP BY e.company_id) u ON u.company_id = c.id
              LEFT JOIN (SELECT company_id, account_id, SUM(balance) AS balance FROM account_move_line
                          WHERE parent_state = 'posted' GROUP BY company_id, account_id) l
                     ON l.company_id = c.id AND l.account_id = c.loyalty_liability_account_id
             WHERE c.loyalty_point_value > 0 OR c.loyalty_liability_account_id IS NOT NULL
        """)
