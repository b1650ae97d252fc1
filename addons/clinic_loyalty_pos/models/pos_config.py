from odoo import _, api, fields, models
from odoo.exceptions import AccessError

HIDE = "clinic_loyalty_hide_points_method"


class PosConfig(models.Model):
    """A loyalty training shop, and Odoo's own Cash and Card methods for a
    new point of sale as if the "Loyalty points" method did not exist (Odoo
    takes any bank method as the card one); the clinic adds "Loyalty points"
    to the shop when it wants it."""

    _inherit = "pos.config"

    loyalty_training = fields.Boolean(
        string="Loyalty training shop",
        help="While the clinic's loyalty programme is in Test, “Loyalty points” payments are accepted "
        "only on training shops (nothing there is real money). Only a Loyalty Manager sets it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("loyalty_training") for vals in vals_list):
            self._check_loyalty_manager()
        return super().create(vals_list)

    def write(self, vals):
        if "loyalty_training" in vals and any(
            c.loyalty_training != bool(vals["loyalty_training"]) for c in self
        ):
            self._check_loyalty_manager()
        return super().write(vals)

    def _default_payment_methods(self):
        return super(PosConfig, self.with_context(**{HIDE: True}))._default_payment_methods()

    def _create_journal_and_payment_methods(self, cash_ref=None, cash_journal_vals=None):
        return super(PosConfig, self.with_context(**{HIDE: True}))._create_journal_and_payment_methods(
            cash_ref=cash_ref, cash_journal_vals=cash_journal_vals
        )

    def _check_loyalty_manager(self):
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            raise AccessError(_("Only a Loyalty Manager marks a point of sale as a loyalty training shop."))
