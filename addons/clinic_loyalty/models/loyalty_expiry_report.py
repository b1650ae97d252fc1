"""Points by expiry: the lots still held, by client and month of expiry, at
today's value of a point (aged points for the accountant)."""

from odoo import fields, models
from odoo.tools import SQL


class ClinicLoyaltyExpiryReport(models.Model):
    _name = "clinic.loyalty.expiry.report"
    _description = "Loyalty points by expiry"
    _auto = False
    _order = "expiry_date, partner_id"

    company_id = fields.Many2one("res.company", string="Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    account_id = fields.Many2one("clinic.loyalty.account", string="Loyalty account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    expiry_date = fields.Date(string="Expires on", readonly=True, help="Empty: these points never expire.")
    points = fields.Integer(string="Points held", readonly=True)
    value = fields.Monetary(readonly=True, help="Points held × today's value of one point.")

    @property
    def _table_query(self):
        return SQL("""
            SELECT l.id, l.company_id, c.currency_id, l.account_id, a.partner_id, l.expiry_date,
                   l.remaining AS points,
                   ROUND((l.remaining * c.loyalty_point_value)::numeric, cur.decimal_places) AS value
              FROM clinic_loyalty_lot l
              JOIN clinic_loyalty_account a ON a.id = l.account_id
              JOIN res_company c ON c.id = l.company_id
              JOIN res_currency cur ON cur.id = c.currency_id
             WHERE l.remaining > 0
        """)
