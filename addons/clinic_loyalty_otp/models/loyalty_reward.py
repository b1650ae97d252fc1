from odoo import api, models
from odoo.tools import SQL


class ClinicLoyaltyReward(models.Model):
    _inherit = "clinic.loyalty.reward"

    @api.model
    def _redeemed_reward_sql(self):
        return SQL(
            "%s UNION ALL SELECT reward_id FROM clinic_loyalty_otp_challenge "
            "WHERE state = 'used' AND reward_id IS NOT NULL",
            super()._redeemed_reward_sql(),
        )
