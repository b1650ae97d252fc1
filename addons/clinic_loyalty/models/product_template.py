from odoo import _, api, fields, models
from odoo.exceptions import AccessError

LOYALTY_FIELDS = {"loyalty_eligible", "loyalty_sensitive"}


class ProductTemplate(models.Model):
    _inherit = "product.template"

    loyalty_eligible = fields.Boolean(
        string="Earns points",
        copy=False,
        index=True,
        help="Paid invoice lines of this item earn loyalty points.",
    )
    loyalty_sensitive = fields.Boolean(
        string="Sensitive item",
        help="Euthanasia, cremation and similar services: never included by 'Enable all'.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if (
            not self.env.su
            and any(vals.get("loyalty_eligible") for vals in vals_list)
            and not self.env.user.has_group("clinic_loyalty.group_loyalty_manager")
        ):
            raise AccessError(_("Only a Loyalty Manager can choose which items earn points."))
        return super().create(vals_list)

    def write(self, vals):
        if LOYALTY_FIELDS & set(vals) and not self.env.su:
            if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
                raise AccessError(_("Only a Loyalty Manager can choose which items earn points."))
            if set(vals) <= LOYALTY_FIELDS:
                # Loyalty Managers tick "earns points" on the eligible items
                # screen without product rights: only these fields, only on
                # the items they may see.
                self.check_access("read")
                return super(ProductTemplate, self.sudo()).write(vals)
        return super().write(vals)

    @api.model
    def action_loyalty_enable_all(self):
        """Mark every item of the current clinic eligible, except sensitive ones."""
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can choose which items earn points."))
        items = self.search(
            [
                ("loyalty_eligible", "=", False),
                ("loyalty_sensitive", "=", False),
                ("sale_ok", "=", True),
                ("company_id", "in", (self.env.company.id, False)),
            ]
        )
        items.write({"loyalty_eligible": True})
        skipped = self.search_count(
            [
                ("loyalty_sensitive", "=", True),
                ("loyalty_eligible", "=", False),
                ("company_id", "in", (self.env.company.id, False)),
            ]
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(count)s items now earn points; %(skipped)s sensitive items were left out "
                    "and can only be enabled one by one.",
                    count=len(items),
                    skipped=skipped,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
