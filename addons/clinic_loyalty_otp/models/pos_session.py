from odoo import api, models

from odoo.addons.clinic_loyalty.models.account_payment_points import BOOKED_ELSEWHERE


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        return super()._load_pos_data_models(config_id) + ["clinic.loyalty.reward"]

    def _create_bank_payment_moves(self, data):
        """The closing entry books the "Loyalty points" payments on the
        liability: their points were spent with the orders."""
        token = BOOKED_ELSEWHERE.set(True)
        try:
            return super()._create_bank_payment_moves(data)
        finally:
            BOOKED_ELSEWHERE.reset(token)
