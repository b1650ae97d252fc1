"""The point of sale side of each clinic: the "Loyalty points" payment
method of each clinic with a chart of accounts, on its "Loyalty points
payments" journal (the session's closing entry debits the points liability,
and nothing waits on a bank statement), and what the receipt needs to show
the points an order earns."""

from odoo import _, api, models

from odoo.addons.clinic_loyalty.tools.accrual_points import cents, points_change

RECEIPT_FIELDS = ["loyalty_status", "loyalty_earning_mode"]


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + RECEIPT_FIELDS

    def _loyalty_pos_methods(self):
        """Every "Loyalty points" method of these clinics, archived ones too."""
        return (
            self.env["pos.payment.method"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", self.ids), ("use_payment_terminal", "=", "clinic_loyalty")])
        )

    def _loyalty_pos_method(self):
        self.ensure_one()
        return self._loyalty_pos_methods()[:1]

    def _loyalty_pos_setup(self):
        """Create the accounts and journals (``_loyalty_accounting_setup``)
        and the "Loyalty points" method each company with a chart lacks, on
        every point of sale of the company. Idempotent: a method the clinic
        already has (even archived, or taken off a shop) is left alone."""
        self.sudo()._loyalty_accounting_setup()
        for company in self.sudo():
            if not company.loyalty_payment_journal_id or company._loyalty_pos_method():
                continue
            configs = self.env["pos.config"].sudo().search([("company_id", "=", company.id)])
            self.env["pos.payment.method"].sudo().create(
                {
                    "name": _("Loyalty points"),
                    "company_id": company.id,
                    "journal_id": company.loyalty_payment_journal_id.id,
                    "outstanding_account_id": company.loyalty_liability_account_id.id,
                    "payment_method_type": "terminal",
                    "use_payment_terminal": "clinic_loyalty",
                    "config_ids": [(6, 0, configs.ids)],
                }
            )

    def _loyalty_repoint_liability(self, old, new):
        res = super()._loyalty_repoint_liability(old, new)
        methods = self._loyalty_pos_methods()
        methods.filtered(lambda m: m.outstanding_account_id == old).outstanding_account_id = new
        return res

    def _loyalty_transaction_points(self, target, basis):
        """What a paid document of eligible amount ``target`` (and ``basis``)
        earns here in "per transaction" mode, as the accrual counts it; 0 when
        the clinic counts the total spend (it depends on what came before)."""
        self.ensure_one()
        if self.loyalty_earning_mode != "per_transaction":
            return 0
        spp, minimum = max(cents(self.loyalty_spend_per_point), 1), cents(self.loyalty_min_transaction_amount)
        return points_change(cents(target), 0, cents(basis), 0, spp, minimum)[0]
