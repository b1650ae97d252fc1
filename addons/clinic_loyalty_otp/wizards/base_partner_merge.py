from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _loyalty_kept_tables(self):
        """Codes stay bound to the contact they were sent for."""
        return super()._loyalty_kept_tables() | {"clinic_loyalty_otp_challenge"}
