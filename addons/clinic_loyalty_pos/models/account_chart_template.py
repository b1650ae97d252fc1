from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        """A clinic given a chart of accounts gets its loyalty accounts,
        journals and "Loyalty points" payment method at once."""
        res = super()._load(template_code, company, install_demo, force_create)
        # the chart may install a module: a new environment sees its registry
        self.env()["res.company"].browse(company.id)._loyalty_pos_setup()
        return res
