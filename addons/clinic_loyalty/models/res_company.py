from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

LOYALTY_STATUS = [("off", "Off"), ("test", "Test (staff only)"), ("on", "On")]
EARNING_MODES = [("total_spend", "Total customer spend"), ("per_transaction", "Per transaction")]
# One wording per setting, shared by the clinic's fields and the loyalty settings page.
STATUS_HELP = (
    "Off: nothing earns. Test: points earn and staff see them; clients see nothing and nothing can be "
    "redeemed. On: clients see and redeem their points. Switch On last, once rewards and eligible items "
    "are set."
)
EARNING_MODE_HELP = (
    "Per transaction: each paid invoice or POS order earns on its own, and only if its eligible amount "
    "reaches the minimum. Total customer spend: the client's eligible spend adds up across visits. "
    "Example, one point per 10.00 spent: a client pays 15 + 15 on two visits. Per transaction, each visit "
    "earns 1 point (2 in all); on total customer spend the first visit earns 1 point and the second 2, "
    "since 30.00 has now been spent (3 in all)."
)
MIN_AMOUNT_HELP = (
    "Per transaction only: a paid invoice or POS order whose eligible amount is below this earns nothing."
)
START_DATE_HELP = (
    "Documents dated on or after this day earn points, also before the programme was first "
    "switched from Off. Empty: from the day it was first switched to Test or On. Days it was Off "
    "never earn."
)
BOOKS_METHODS = [
    ("provision", "Provision at face value"),
    ("deferral", "Deferred revenue (IFRS 15 / FRS 102 from 2026)"),
]
BOOKS_METHOD_HELP = (
    "Provision at face value: each point earned is a liability at its value (Dr points earned / Cr "
    "liability); redeemed points settle it, expired points go to breakage. Deferred revenue (IFRS 15, and "
    "FRS 102 from 2026): part of each sale is revenue of the points it earns, allocated at their "
    "standalone selling price (points × value × expected redemption rate): Dr revenue / Cr deferred loyalty "
    "revenue; it becomes revenue as points are redeemed, with the expected breakage in proportion to the "
    "redemptions; a change of rate is trued up by the next daily entry. Example: a sale of 100.00 earns 10 "
    "points worth 1.00 at an 80% rate: 8.00 standalone, 100 × 8 / 108 = 7.41 deferred. The method is fixed "
    "once an entry is booked under it."
)
REDEMPTION_RATE_HELP = (
    "Deferred revenue only: the share of points (in %) you expect clients to redeem rather than let "
    "expire, from your history. 100: no breakage expected. A change is trued up by the next daily entry."
)


class ResCompany(models.Model):
    _inherit = "res.company"

    loyalty_status = fields.Selection(
        LOYALTY_STATUS, default="off", required=True, tracking=True, help=STATUS_HELP
    )
    loyalty_earning_mode = fields.Selection(
        EARNING_MODES, default="per_transaction", required=True, help=EARNING_MODE_HELP
    )
    loyalty_spend_per_point = fields.Monetary(
        default=10.0,
        required=True,
        currency_field="currency_id",
        help="Eligible spend, in the clinic's currency, that earns one point.",
    )
    loyalty_min_transaction_amount = fields.Monetary(
        currency_field="currency_id",
        help=MIN_AMOUNT_HELP,
    )
    loyalty_description = fields.Html(translate=True, sanitize=True)
    loyalty_start_date = fields.Date(
        string="Programme start date",
        help=START_DATE_HELP,
    )

    _sql_constraints = [
        (
            "loyalty_spend_per_point_positive",
            "check(loyalty_spend_per_point > 0)",
            "The spend per point must be greater than zero.",
        ),
        (
            "loyalty_min_amount_positive",
            "check(loyalty_min_transaction_amount >= 0)",
            "The minimum transaction amount cannot be negative.",
        ),
    ]

    def _loyalty_readiness_issues(self):
        """What keeps this clinic from switching its programme On, as
        sentences (empty: ready). Both the check on switching On and the
        settings page use it; other addons add their own (an SMS provider)."""
        self.ensure_one()
        Reward = self.env["clinic.loyalty.reward"].sudo()
        # Eligibility is per clinic (company-dependent): read it at this clinic.
        Product = self.env["product.template"].sudo().with_company(self).with_context(active_test=True)
        has_reward = Reward.search_count([("company_id", "in", (self.id, False))], limit=1)
        has_item = Product.search_count(
            [("loyalty_eligible", "=", True), ("company_id", "in", (self.id, False))], limit=1
        )
        issues = []
        if not has_reward:
            issues.append(_("No active reward: clients would have nothing to redeem."))
        if not has_item:
            issues.append(_("No eligible item: nothing would earn points."))
        return issues

    def _check_loyalty_ready(self):
        """Refuse to open a programme that has nothing to earn or redeem."""
        for company in self.filtered(lambda c: c.loyalty_status == "on"):
            issues = company._loyalty_readiness_issues()
            if issues:
                raise ValidationError(
                    _(
                        "%(clinic)s cannot switch its loyalty programme On yet: configure rewards and "
                        "eligible items first, or leave it in Test. %(issues)s",
                        clinic=company.name,
                        issues=" ".join(issues),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(lambda c: c.loyalty_status != "off")._loyalty_log_status(
            {c.id: {"loyalty_status": "off"} for c in companies}
        )
        return companies

    def _loyalty_log_status(self, before):
        """Record status changes in the history that decides which days earn
        (``clinic.loyalty.status.change``); a new start date re-evaluates the
        documents it may now let earn."""
        History = self.env["clinic.loyalty.status.change"]
        for company in self:
            old = before.get(company.id, {})
            if "loyalty_status" in old and old["loyalty_status"] != company.loyalty_status:
                History._log(company, old["loyalty_status"], company.loyalty_status)
            if "loyalty_start_date" in old and old["loyalty_start_date"] != company.loyalty_start_date:
                self.env["clinic.loyalty.spend.source"]._loyalty_reopen(company)

    def write(self, vals):
        self._loyalty_check_books_method(vals)
        tracked = {
            f
            for f in (
                "loyalty_spend_per_point",
                "loyalty_earning_mode",
                "loyalty_status",
                "loyalty_start_date",
            )
            if f in vals
        }
        before = {c.id: {f: c[f] for f in tracked} for c in self} if tracked else {}
        res = super().write(vals)
        self._loyalty_log_status(before)
        if vals.get("loyalty_status") == "on":
            self._check_loyalty_ready()
        for company in self:
            changes = [
                f"{f}: {before[company.id][f]} → {company[f]}"
                for f in tracked
                if before[company.id][f] != company[f]
            ]
            if changes:
                company.partner_id.sudo().message_post(
                    body=_(
                        "Loyalty programme settings changed by %(user)s: %(changes)s",
                        user=self.env.user.name,
                        changes="; ".join(changes),
                    )
                )
        return res

    # The method of the books (issue 20): provision at face value or deferred revenue.
    loyalty_books_method = fields.Selection(
        BOOKS_METHODS,
        string="Points on the books",
        default="provision",
        required=True,
        help=BOOKS_METHOD_HELP,
    )
    loyalty_redemption_rate = fields.Float(
        string="Expected redemption rate (%)", digits=(5, 2), default=100.0, help=REDEMPTION_RATE_HELP
    )
    loyalty_deferred_account_id = fields.Many2one(
        "account.account",
        string="Deferred loyalty revenue account",
        check_company=True,
        help="Deferred revenue only: the contract liability, credited with the revenue allocated to points.",
    )
    loyalty_revenue_account_id = fields.Many2one(
        "account.account",
        string="Loyalty revenue account",
        check_company=True,
        help="Deferred revenue only: debited with the revenue allocated to points, credited as they are "
        "redeemed.",
    )

    @api.constrains("loyalty_redemption_rate")
    def _check_loyalty_redemption_rate(self, rates=None):
        for rate in rates or self.mapped("loyalty_redemption_rate"):
            if not 0 < rate <= 100:
                raise ValidationError(
                    _(
                        "The expected redemption rate is a share of the points: enter more than 0 and up "
                        "to 100."
                    )
                )

    def _loyalty_check_books_method(self, vals):
        """The method cannot change under entries booked with it; a rate out
        of range is refused before anything is written."""
        if "loyalty_redemption_rate" in vals:
            self._check_loyalty_redemption_rate([vals["loyalty_redemption_rate"]])
        method = vals.get("loyalty_books_method")
        changed = self.filtered(lambda c: method and c.loyalty_books_method != method)
        if not changed:
            return
        booked = (
            self.env["clinic.loyalty.daily.move"]
            .sudo()
            .search([("company_id", "in", changed.ids), ("move_id", "!=", False)], limit=1)
        )
        if booked:
            raise UserError(
                _(
                    '%(clinic)s has loyalty entries booked as "%(method)s": the method cannot change under '
                    "them. An accounting manager first reverses the loyalty entries of the loyalty journal, "
                    "from the newest; the next daily entry books their points again under the new method.",
                    clinic=booked.company_id.name,
                    method=dict(BOOKS_METHODS)[booked.company_id.loyalty_books_method],
                )
            )

    def _loyalty_deferral_setup(self):
        """The two accounts of the deferred-revenue method, created on first use."""
        accounts = (
            ("loyalty_deferred_account_id", _("Deferred loyalty revenue"), "liability_current", "2900"),
            ("loyalty_revenue_account_id", _("Loyalty revenue"), "income", "4900"),
        )
        for company in self.sudo():
            Account = self.env["account.account"].sudo().with_company(company)
            for field, name, account_type, fallback_code in accounts:
                if company[field]:
                    continue
                last = Account.search(
                    [("company_ids", "=", company.id), ("account_type", "=", account_type)],
                    order="code desc",
                    limit=1,
                )
                company.with_context(loyalty_accounting_setup=True)[field] = Account.create(
                    {
                        "name": name,
                        "code": Account._search_new_account_code(last.code or fallback_code),
                        "account_type": account_type,
                        "reconcile": False,
                        "company_ids": [fields.Command.set(company.ids)],
                    }
                )

    def _loyalty_deferral_drift(self):
        """Deferred revenue account less what the daily entries left to
        recognise (allocated - recognised): 0 unless booked by hand."""
        self.ensure_one()
        if not self.loyalty_deferred_account_id:
            return 0.0
        last = self.env["clinic.loyalty.daily.move"].sudo().search([("company_id", "=", self.id)], limit=1)
        held = self._loyalty_liability_balance(self.loyalty_deferred_account_id)
        return self.currency_id.round(
            held + last.deferred_allocated - last.deferred_revenue - last.deferred_breakage
        )
