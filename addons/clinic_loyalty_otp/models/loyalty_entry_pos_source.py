# The point of sale as a paid source (its own idea): pylint: disable=consider-merging-classes-inherited
from odoo import api, models


class ClinicLoyaltyEntry(models.Model):
    _inherit = "clinic.loyalty.entry"

    @api.model
    def _loyalty_paid_sources(self):
        """A POS points payment books its redemption on the session's closing
        entry (Dr liability through the "Loyalty points" method)."""
        return super()._loyalty_paid_sources() + ["pos.order"]
