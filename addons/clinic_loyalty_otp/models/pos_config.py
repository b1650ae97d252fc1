from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class PosConfig(models.Model):
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

    def _check_loyalty_manager(self):
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            raise AccessError(_("Only a Loyalty Manager marks a point of sale as a loyalty training shop."))
