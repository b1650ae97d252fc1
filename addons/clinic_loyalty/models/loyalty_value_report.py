"""Value of the points earned, redeemed and expired, for a pivot by month."""

from odoo import fields, models
from odoo.tools import SQL


class ClinicLoyaltyValueReport(models.Model):
    _name = "clinic.loyalty.value.report"
    _description = "Loyalty points value by month"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", string="Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    kind = fields.Selection(
        lambda self: self.env["clinic.loyalty.entry"]._fields["kind"].selection, readonly=True
    )
    points = fields.Integer(readonly=True)
    earned_value = fields.Monetary(readonly=True, help="Accruals, imports and adjustments, net of reversals.")
    redeemed_value = fields.Monetary(readonly=True, help="Redemptions, net of their refunds.")
    expired_value = fields.Monetary(readonly=True)

    @property
    def _table_query(self):
        # Booked entries at the value they were booked at, the others at
        # today's value.
        return SQL("""
            SELECT e.id, e.date, e.company_id, c.currency_id, e.kind, e.points,
                   CASE WHEN e.kind NOT IN ('redemption', 'refund', 'expiry')
                        THEN e.points * v.value ELSE 0 END AS earned_value,
                   CASE WHEN e.kind IN ('redemption', 'refund') THEN -e.points * v.value ELSE 0 END
                       AS redeemed_value,
                   CASE WHEN e.kind = 'expiry' THEN -e.points * v.value ELSE 0 END AS expired_value
              FROM clinic_loyalty_entry e
              JOIN res_company c ON c.id = e.company_id
              LEFT JOIN clinic_loyalty_move_link k ON k.entry_id = e.id
              LEFT JOIN clinic_loyalty_daily_move d ON d.id = k.daily_move_id
              CROSS JOIN LATERAL (SELECT COALESCE(d.point_value, c.loyalty_point_value) AS value) v
        """)
