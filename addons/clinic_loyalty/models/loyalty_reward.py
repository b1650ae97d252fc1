from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ClinicLoyaltyReward(models.Model):
    _name = "clinic.loyalty.reward"
    _description = "Loyalty reward"
    _order = "sequence, points_cost, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    points_cost = fields.Integer(required=True, help="Points a client spends to get this reward.")
    value = fields.Monetary(help="What the reward is worth at the counter.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one("product.product", help="Item handed over, if any.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(
        default=True, help="Archived rewards are hidden from clients and kept for history."
    )
    redeemed = fields.Boolean(
        readonly=True, copy=False, help="Redeemed at least once: it can only be archived."
    )

    _sql_constraints = [
        ("points_cost_positive", "check(points_cost > 0)", "A reward must cost at least one point."),
        ("value_positive", "check(value >= 0)", "A reward's value cannot be negative."),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_redeemed(self):
        if any(self.filtered("redeemed")):
            raise UserError(_("This reward was already redeemed: archive it instead of deleting it."))
