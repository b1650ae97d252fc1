from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_loyalty_training = fields.Boolean(related="pos_config_id.loyalty_training", readonly=False)
