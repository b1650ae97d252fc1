# pylint: disable=consider-merging-classes-inherited
# (res_company.py holds the OTP settings; this file gives the POS what its
# receipt needs to show the points an order earns.)
from odoo import api, models

RECEIPT_FIELDS = [
    "loyalty_status",
    "loyalty_earning_mode",
    "loyalty_spend_per_point",
    "loyalty_min_transaction_amount",
]


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + RECEIPT_FIELDS
