from odoo import fields, models


# pylint: disable=consider-merging-classes-inherited
# The expiry settings, in their own file (one idea per file).
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    loyalty_expiry_months = fields.Integer(related="company_id.loyalty_expiry_months", readonly=False)
    loyalty_expiry_notice_days = fields.Integer(
        related="company_id.loyalty_expiry_notice_days", readonly=False
    )
