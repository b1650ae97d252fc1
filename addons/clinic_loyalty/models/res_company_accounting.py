"""Where a clinic's points sit in its books: the value of one point and the
accounts and journals the points are booked on, created on first use."""
# The accounting side of the programme is its own idea (res_company.py holds
# the earning rules): pylint: disable=consider-merging-classes-inherited

from odoo import _, api, fields, models

POINT_VALUE_DIGITS = (16, 4)


class ResCompany(models.Model):
    _inherit = "res.company"

    # Not a Monetary: a point may be worth less than the currency's smallest
    # unit (0.005). Both are numeric columns: the stored values are kept.
    loyalty_point_value = fields.Float(
        string="Value of one point",
        digits=POINT_VALUE_DIGITS,
        help="What one point is worth to the client, in the clinic's currency, to 4 decimals. 0: points "
        "are not booked.",
    )
    loyalty_liability_account_id = fields.Many2one(
        "account.account",
        string="Loyalty points liability account",
        check_company=True,
        help="Current liability that carries the value of the points clients hold.",
    )
    loyalty_earned_account_id = fields.Many2one(
        "account.account",
        string="Loyalty points earned account",
        check_company=True,
        help="Debited with the value of the points clients earn.",
    )
    loyalty_breakage_account_id = fields.Many2one(
        "account.account",
        string="Loyalty points breakage account",
        check_company=True,
        help="Credited with the value of the points that expire.",
    )
    loyalty_journal_id = fields.Many2one(
        "account.journal",
        string="Loyalty points journal",
        check_company=True,
        help="Miscellaneous journal of the daily loyalty entry.",
    )
    loyalty_payment_journal_id = fields.Many2one(
        "account.journal",
        string="Loyalty points payment journal",
        check_company=True,
        help="Journal of the payments made with points (point of sale, invoices): its accounts are the "
        "liability account, so nothing waits on a bank statement.",
    )

    _sql_constraints = [
        (
            "loyalty_point_value_positive",
            "check(loyalty_point_value >= 0)",
            "The value of one point cannot be negative.",
        ),
    ]

    @api.model
    def _loyalty_has_chart(self, company):
        return bool(
            company.chart_template
            or self.env["account.account"].sudo().search_count([("company_ids", "=", company.id)], limit=1)
        )

    def _loyalty_accounting_setup(self):
        """Create the loyalty accounts and journals each company lacks (a
        company without a chart of accounts gets none). Idempotent; what a
        clinic edited is kept."""
        for company in self.sudo():
            if not self._loyalty_has_chart(company):
                continue
            Account = self.env["account.account"].sudo().with_company(company)
            # (company field, name, type, code to count from when the chart
            # has no account of that type yet)
            accounts = (
                ("loyalty_liability_account_id", _("Loyalty points liability"), "liability_current", "2900"),
                ("loyalty_earned_account_id", _("Loyalty points earned"), "expense", "6900"),
                ("loyalty_breakage_account_id", _("Loyalty points breakage"), "income_other", "7900"),
            )
            for field, name, account_type, fallback_code in accounts:
                if company[field]:
                    continue
                last = Account.search(
                    [("company_ids", "=", company.id), ("account_type", "=", account_type)],
                    order="code desc",
                    limit=1,
                )
                company[field] = Account.create(
                    {
                        "name": name,
                        "code": Account._search_new_account_code(last.code or fallback_code),
                        "account_type": account_type,
                        "reconcile": False,
                        "company_ids": [fields.Command.set(company.ids)],
                    }
                )
            if not company.loyalty_journal_id:
                company.loyalty_journal_id = company._loyalty_new_journal(
                    _("Loyalty points"), "general", "LOYP"
                )
            if not company.loyalty_payment_journal_id:
                journal = company._loyalty_new_journal(
                    _("Loyalty points payments"),
                    "bank",
                    "LPAY",
                    default_account_id=company.loyalty_liability_account_id.id,
                )
                (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).write(
                    {"payment_account_id": company.loyalty_liability_account_id.id}
                )
                # Odoo makes a payment account reconcilable, which would leave
                # every points payment "in process" waiting for a bank
                # statement that never comes: points are settled when paid.
                company.loyalty_liability_account_id.reconcile = False
                company.loyalty_payment_journal_id = journal

    def _loyalty_new_journal(self, name, journal_type, code, **values):
        self.ensure_one()
        Journal = self.env["account.journal"].sudo().with_company(self)
        used = set(Journal.search([("company_id", "=", self.id)]).mapped("code"))
        free = next(c for c in [code] + [f"{code[:4]}{i}" for i in range(1, 10)] if c not in used)
        # Last in the journal lists: Register Payment and the POS never pick
        # the points journal by default, it is chosen on purpose.
        return Journal.create(
            {
                "name": name,
                "type": journal_type,
                "code": free,
                "company_id": self.id,
                "sequence": 100,
                **values,
            }
        )
