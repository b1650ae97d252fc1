from odoo import api, models
from odoo.tools import SQL


class ClinicLoyaltyEntry(models.Model):
    _inherit = "clinic.loyalty.entry"

    @api.model
    def _loyalty_paid_sources(self):
        """A POS points payment books its redemption on the session's closing
        entry (Dr liability through the "Loyalty points" method)."""
        return super()._loyalty_paid_sources() + ["pos.order"]

    @api.model
    def _loyalty_unsettled_sql(self):
        """A POS points payment is on the books when its session closes."""
        return SQL(
            """(%s OR (e.res_model = 'pos.order' AND EXISTS (
                   SELECT 1 FROM pos_order o JOIN pos_session s ON s.id = o.session_id
                    WHERE o.id = e.res_id AND s.state != 'closed')))""",
            super()._loyalty_unsettled_sql(),
        )
