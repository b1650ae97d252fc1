from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class ClinicLoyaltyReward(models.Model):
    _name = "clinic.loyalty.reward"
    _description = "Loyalty reward"
    _order = "sequence, points_cost, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        string="Description for clients", translate=True, help="What the client gets, shown on their portal."
    )
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
        compute="_compute_redeemed",
        search="_search_redeemed",
        help="Redeemed at least once: it can only be archived.",
    )

    _sql_constraints = [
        ("points_cost_positive", "check(points_cost > 0)", "A reward must cost at least one point."),
        ("value_positive", "check(value >= 0)", "A reward's value cannot be negative."),
    ]

    def _compute_redeemed(self):
        # Derived, never written: concurrent redemptions of one reward do not
        # contend for its row.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT reward_id FROM (%s) r WHERE reward_id = ANY(%s)",
                self._redeemed_reward_sql(),
                self.ids,
            )
        )
        redeemed = {row[0] for row in self.env.cr.fetchall()}
        for reward in self:
            reward.redeemed = reward.id in redeemed

    def _search_redeemed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search rewards on “Redeemed” with set or not set only."))
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", SQL("(%s)", self._redeemed_reward_sql()))]

    @api.model
    def _redeemed_reward_sql(self):
        """Ids (``reward_id``, never NULL) of the rewards spent at least once.
        Every redemption channel adds its own with ``UNION ALL``."""
        return SQL("SELECT reward_id FROM clinic_loyalty_reward_request")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_redeemed(self):
        if any(self.filtered("redeemed")):
            raise UserError(_("This reward was already redeemed: archive it instead of deleting it."))
