# Invoices of POS orders paid with points (their own idea):
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _loyalty_points_paid_ever(self):
        """An invoice of POS orders was also paid with the points its orders
        took at the counter (see ``clinic_loyalty``'s credit-note rule)."""
        paid = super()._loyalty_points_paid_ever()
        payments = self.sudo().pos_order_ids._loyalty_otp_payments()
        return paid + sum(payment.amount for payment in payments if payment.amount > 0)
