# Invoices paid with points (their own idea): pylint: disable=consider-merging-classes-inherited
from odoo import api, models


class ClinicLoyaltyEntry(models.Model):
    _inherit = "clinic.loyalty.entry"

    @api.model
    def _loyalty_paid_sources(self):
        """An invoice paid with points books its redemption on the payment
        (Dr liability, Cr receivable): see ``account_payment_points.py``."""
        return super()._loyalty_paid_sources() + ["account.payment"]
