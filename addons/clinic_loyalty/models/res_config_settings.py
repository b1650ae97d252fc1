from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    loyalty_currency_id = fields.Many2one(related="company_id.currency_id", string="Loyalty currency")
    loyalty_status = fields.Selection(related="company_id.loyalty_status", readonly=False)
    loyalty_earning_mode = fields.Selection(related="company_id.loyalty_earning_mode", readonly=False)
    loyalty_spend_per_point = fields.Monetary(
        related="company_id.loyalty_spend_per_point", readonly=False, currency_field="loyalty_currency_id"
    )
    loyalty_min_transaction_amount = fields.Monetary(
        related="company_id.loyalty_min_transaction_amount",
        readonly=False,
        currency_field="loyalty_currency_id",
    )
    loyalty_description = fields.Html(related="company_id.loyalty_description", readonly=False)
    loyalty_start_date = fields.Date(related="company_id.loyalty_start_date", readonly=False)

    # --- expiry ---
    loyalty_expiry_months = fields.Integer(related="company_id.loyalty_expiry_months", readonly=False)
    loyalty_expiry_notice_days = fields.Integer(
        related="company_id.loyalty_expiry_notice_days", readonly=False
    )
