# The hook the daily journal entry reads (its own idea): pylint: disable=consider-merging-classes-inherited
from odoo import api, models


class ClinicLoyaltyEntry(models.Model):
    _inherit = "clinic.loyalty.entry"

    @api.model
    def _loyalty_paid_sources(self):
        """Sources whose redemptions a payment books (the daily entry books only the difference)."""
        return []
