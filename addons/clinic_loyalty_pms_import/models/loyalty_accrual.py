from odoo import api, models


class ClinicLoyaltyAccrual(models.AbstractModel):
    _inherit = "clinic.loyalty.accrual"

    @api.model
    def _accrual_sources(self):
        """Staged PMS invoices are a second source of the one accrual engine."""
        return super()._accrual_sources() + ["clinic.loyalty.pms.invoice"]
