from odoo import api, models


class ProductProduct(models.Model):
    """The POS receipt shows the points an order earns: it needs to know
    which items earn at this clinic (the server decides at accrual)."""

    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["loyalty_eligible"]
