from odoo import api, models


class ClinicLoyaltyReward(models.Model):
    """The rewards a client can pay with at the counter, sent to the POS."""

    _name = "clinic.loyalty.reward"
    _inherit = ["clinic.loyalty.reward", "pos.load.mixin"]

    @api.model
    def _load_pos_data_domain(self, data):
        session = self.env["pos.session"].browse(data["pos.session"]["data"][0]["id"])
        return [("company_id", "=", session.config_id.company_id.id), ("active", "=", True)]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "name", "points_cost", "value", "company_id"]
