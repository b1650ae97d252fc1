from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

LOYALTY_FIELDS = {"loyalty_eligible", "loyalty_sensitive"}


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # Per clinic: an item shared by every company earns only where its clinic
    # chose so. Company-dependent fields live in one jsonb column of the
    # product table ({company id: value}), so the accrual engine reads them in
    # its one set-based query (see :meth:`_loyalty_eligible_sql`).
    loyalty_eligible = fields.Boolean(
        string="Earns points",
        company_dependent=True,
        copy=False,
        help="Paid sales of this item at the current clinic earn loyalty points.",
    )
    loyalty_sensitive = fields.Boolean(
        string="Sensitive item",
        company_dependent=True,
        help="Euthanasia, cremation and similar services: never included by 'Enable all'.",
    )

    @api.model
    def _loyalty_eligible_sql(self, alias, company_sql):
        """SQL condition: the product template ``alias`` earns points at the
        company ``company_sql`` (an SQL expression, e.g. the line's company)."""
        return SQL(
            "COALESCE((%s.loyalty_eligible ->> (%s)::text)::boolean, FALSE)",
            SQL.identifier(alias),
            company_sql,
        )

    @api.model_create_multi
    def create(self, vals_list):
        if (
            not self.env.su
            and any(vals.get("loyalty_eligible") for vals in vals_list)
            and not self.env.user.has_group("clinic_loyalty.group_loyalty_manager")
        ):
            raise AccessError(_("Only a Loyalty Manager can choose which items earn points."))
        products = super().create(vals_list)
        # An item of one clinic gets its loyalty choice at that clinic, not
        # at the company the creating user happens to work in.
        for product, vals in zip(products, vals_list, strict=True):
            flags = {f: vals[f] for f in LOYALTY_FIELDS if f in vals}
            if flags and product.company_id and product.company_id != self.env.company:
                product.sudo().with_company(product.company_id).write(flags)
                product.sudo().write({f: False for f in flags})
        return products

    def write(self, vals):
        if LOYALTY_FIELDS & set(vals) and not self.env.su:
            if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
                raise AccessError(_("Only a Loyalty Manager can choose which items earn points."))
            if set(vals) <= LOYALTY_FIELDS:
                # Loyalty Managers tick "earns points" on the eligible items
                # screen without product rights: only these fields, only on
                # the items they may see, for their current clinic.
                self.check_access("read")
                return super(ProductTemplate, self.sudo()).write(vals)
        return super().write(vals)

    def action_loyalty_enable_all(self):
        """Mark eligible at the current clinic the selected items, or every
        item of the screen's current filter (``active_domain``), or every
        item of the clinic; sensitive items are never included."""
        return self._loyalty_set_all(True)

    def action_loyalty_disable_all(self):
        """The selected items, or every item of the current filter, no longer
        earn points at the current clinic."""
        return self._loyalty_set_all(False)

    def action_loyalty_enable_all_confirm(self):
        """'Enable all' on the screen: first say how many items it switches
        on (and how many sensitive ones it leaves out), then do it."""
        items, skipped = self._loyalty_enable_scope()
        wizard = self.env["clinic.loyalty.enable.items.wizard"].create(
            {"product_tmpl_ids": [fields.Command.set(items.ids)], "skipped_count": skipped}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Enable all"),
        }

    def action_loyalty_enable_sensitive(self):
        """Switch on one sensitive item, after the screen's confirmation."""
        self.ensure_one()
        self.write({"loyalty_eligible": True})

    def _loyalty_enable_scope(self):
        """(items 'Enable all' switches on, count of sensitive items it
        leaves out) for the selection or the screen's filter."""
        scope = self._loyalty_scope(True)
        Product = self.browse().with_context(active_test=True)
        items = Product.search(scope + [("loyalty_eligible", "=", False), ("loyalty_sensitive", "=", False)])
        skipped = Product.search_count(
            scope + [("loyalty_sensitive", "=", True), ("loyalty_eligible", "=", False)]
        )
        return items, skipped

    def _loyalty_scope(self, eligible):
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can choose which items earn points."))
        scope = [("company_id", "in", (self.env.company.id, False))]
        if self:
            scope.append(("id", "in", self.ids))
        else:
            # The browser's filter only narrows the search: the clinic and the
            # sensitive guard below are the server's.
            scope += list(self.env.context.get("active_domain") or [])
            if eligible and not self.env.context.get("active_domain"):
                scope.append(("sale_ok", "=", True))
        return scope

    def _loyalty_set_all(self, eligible):
        scope = self._loyalty_scope(eligible)
        Product = self.browse().with_context(active_test=True)
        if eligible:
            items, skipped = self._loyalty_enable_scope()
            message = _(
                "%(count)s items now earn points; %(skipped)s sensitive items were left out "
                "and can only be enabled one by one.",
                count=len(items),
                skipped=skipped,
            )
        else:
            items = Product.search(scope + [("loyalty_eligible", "=", True)])
            message = _("%(count)s items no longer earn points at this clinic.", count=len(items))
        items.write({"loyalty_eligible": eligible})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
