from odoo import _, api, fields, models


class ClinicLoyaltyEnableItemsWizard(models.TransientModel):
    """'Enable all' says how many items it switches on before it does."""

    _name = "clinic.loyalty.enable.items.wizard"
    _description = "Enable all eligible items"

    product_tmpl_ids = fields.Many2many("product.template", string="Items", readonly=True)
    skipped_count = fields.Integer(string="Sensitive items left out", readonly=True)
    summary = fields.Char(compute="_compute_summary")

    @api.depends("product_tmpl_ids", "skipped_count")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = _(
                "%(count)s items will earn points at this clinic. %(skipped)s sensitive items "
                "(euthanasia, cremation...) are left out: they can only be enabled one by one.",
                count=len(wizard.product_tmpl_ids),
                skipped=wizard.skipped_count,
            )

    def action_enable(self):
        """Switch on the items listed; the server checks them again (the
        clinic, never a sensitive item)."""
        self.ensure_one()
        if not self.product_tmpl_ids:
            return {"type": "ir.actions.act_window_close"}
        return self.product_tmpl_ids._loyalty_set_all(True)
