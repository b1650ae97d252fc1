from odoo import api, models
from odoo.tools import SQL


class ClinicLoyaltyReward(models.Model):
    _name = "clinic.loyalty.reward"
    _inherit = ["clinic.loyalty.reward", "pos.load.mixin"]

    @api.model
    def _load_pos_data_domain(self, data):
        session = self.env["pos.session"].browse(data["pos.session"]["data"][0]["id"])
        return [("company_id", "=", session.config_id.company_id.id), ("active", "=", True)]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "name", "points_cost", "value", "company_id"]

    @api.model
    def _redeemed_reward_sql(self):
        return SQL(
            "%s UNION ALL SELECT reward_id FROM clinic_loyalty_otp_challenge "
            "WHERE state = 'used' AND reward_id IS NOT NULL",
            super()._redeemed_reward_sql(),
        )
