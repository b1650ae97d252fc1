"""The loyalty settings page of Loyalty Managers (and, for the books,
accountants), who need not be Settings administrators: Odoo's
res.config.settings only saves for them, so this page is its own model that
checks who asks and writes the clinic's fields itself."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount, format_date

from ..tools.programme import (
    BOOKS_METHOD_HELP,
    EARNING_MODE_HELP,
    LOYALTY_ACCOUNTING_FIELDS,
    MIN_AMOUNT_HELP,
    POINT_VALUE_DIGITS,
    REDEMPTION_RATE_HELP,
    SIGNAL_THRESHOLDS,
    START_DATE_HELP,
    STATUS_HELP,
)

PROGRAMME_FIELDS = (
    "loyalty_status",
    "loyalty_earning_mode",
    "loyalty_spend_per_point",
    "loyalty_min_transaction_amount",
    "loyalty_description",
    "loyalty_start_date",
    "loyalty_expiry_months",
    "loyalty_expiry_notice_days",
)

ACCOUNTING_GROUPS = "clinic_loyalty.group_loyalty_manager,account.group_account_manager"


class ClinicLoyaltySettings(models.TransientModel):
    _name = "clinic.loyalty.settings"
    _description = "Loyalty settings"

    company_id = fields.Many2one(
        "res.company", string="Clinic", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    loyalty_status = fields.Selection(
        lambda self: self._company_selection("loyalty_status"), string="Status", help=STATUS_HELP
    )
    loyalty_earning_mode = fields.Selection(
        lambda self: self._company_selection("loyalty_earning_mode"),
        string="Earning mode",
        help=EARNING_MODE_HELP,
    )
    loyalty_spend_per_point = fields.Monetary(
        string="Spend per point", help="Eligible spend, in the clinic's currency, that earns one point."
    )
    loyalty_min_transaction_amount = fields.Monetary(
        string="Minimum transaction amount", help=MIN_AMOUNT_HELP
    )
    loyalty_description = fields.Html(
        string="Programme description",
        sanitize=True,
        help="What clients read about the programme on their portal page.",
    )
    loyalty_start_date = fields.Date(string="Start date", help=START_DATE_HELP)
    loyalty_expiry_months = fields.Integer(
        string="Points expire after (months)",
        help="Points added from now on expire this many months after the day they were earned. 0: never. "
        "A change applies to new points only and is logged.",
    )
    loyalty_expiry_notice_days = fields.Integer(
        string="Warn clients (days before)",
        help="Clients receive one email this many days before points expire. 0: no warning.",
    )
    loyalty_readiness = fields.Text(string="Ready to switch On?", compute="_compute_loyalty_readiness")
    loyalty_ready = fields.Boolean(compute="_compute_loyalty_readiness")
    loyalty_point_value = fields.Float(
        string="Value of one point", digits=POINT_VALUE_DIGITS, groups=ACCOUNTING_GROUPS
    )
    loyalty_liability_account_id = fields.Many2one(
        "account.account", string="Liability account", groups=ACCOUNTING_GROUPS
    )
    loyalty_earned_account_id = fields.Many2one(
        "account.account", string="Points earned account", groups=ACCOUNTING_GROUPS
    )
    loyalty_breakage_account_id = fields.Many2one(
        "account.account", string="Breakage account", groups=ACCOUNTING_GROUPS
    )
    loyalty_journal_id = fields.Many2one(
        "account.journal", string="Loyalty journal", groups=ACCOUNTING_GROUPS
    )
    loyalty_payment_journal_id = fields.Many2one(
        "account.journal", string="Points payment journal", groups=ACCOUNTING_GROUPS
    )
    loyalty_books_method = fields.Selection(
        lambda self: self._company_selection("loyalty_books_method"),
        string="Method",
        help=BOOKS_METHOD_HELP,
        groups=ACCOUNTING_GROUPS,
    )
    loyalty_redemption_rate = fields.Float(
        string="Expected redemption rate (%)",
        digits=(5, 2),
        help=REDEMPTION_RATE_HELP,
        groups=ACCOUNTING_GROUPS,
    )
    loyalty_deferred_account_id = fields.Many2one(
        "account.account", string="Deferred loyalty revenue account", groups=ACCOUNTING_GROUPS
    )
    loyalty_revenue_account_id = fields.Many2one(
        "account.account", string="Loyalty revenue account", groups=ACCOUNTING_GROUPS
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        for page in self:
            page.display_name = _("Loyalty settings · %(clinic)s", clinic=page.company_id.name)

    def _company_selection(self, name):
        return self.env["res.company"]._fields[name].selection

    @api.model
    def _readable_fields(self):
        names = list(PROGRAMME_FIELDS) if self._is_manager() else []
        if self._is_accountant():
            names += LOYALTY_ACCOUNTING_FIELDS
        if self._is_manager():
            names += SIGNAL_THRESHOLDS
        return names

    @api.model
    def _is_manager(self):
        return self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")

    @api.model
    def _is_accountant(self):
        return self._is_manager() or self.env.user.has_group("account.group_account_manager")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        company = self.env.company.sudo()
        for name in self._readable_fields():
            if name in fields_list:
                value = company[name]
                res[name] = value.id if isinstance(value, models.BaseModel) else value
        return res

    @api.depends("company_id")
    def _compute_loyalty_readiness(self):
        for settings in self:
            issues = settings.company_id.sudo()._loyalty_readiness_issues()
            settings.loyalty_ready = not issues
            settings.loyalty_readiness = "\n".join(issues) or _(
                "Ready: rewards and eligible items are set up, the programme can be switched On."
            )

    def action_save(self):
        """Write the page on the clinic: programme fields for Loyalty
        Managers, accounting fields for them and accountants."""
        self.ensure_one()
        if not self._is_accountant():
            raise AccessError(_("Only Loyalty Managers and accountants change the loyalty settings."))
        company = self.company_id
        if company not in self.env.companies and not self.env.su:
            raise AccessError(_("You can only change the loyalty settings of the clinics you work at."))
        vals = {}
        for name in self._readable_fields():
            field = self._fields[name]
            value = self[name]
            if field.type == "many2one":
                value = value.id
            current = company.sudo()[name]
            if isinstance(current, models.BaseModel):
                current = current.id
            if value != current:
                vals[name] = value
        if vals:
            # The user's rights were checked above, field by field: the clinic
            # is written as the system (res.company needs Administration
            # rights), its write logs who changed what.
            company.sudo().write(vals)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # --- signal ---
    # The staff-signal thresholds on the Loyalty settings page.
    loyalty_signal_lookback_days = fields.Integer(string="Signals look back (days)")
    loyalty_signal_staff_points = fields.Integer(string="Staff earning, points a month")
    loyalty_signal_adjust_min_points = fields.Integer(string="Manual points, points a month")
    loyalty_signal_adjust_factor = fields.Float(string="Manual points, times the peers' average")
    loyalty_signal_same_client_count = fields.Integer(string="Manual points, to one client a month")
    loyalty_signal_refund_days = fields.Integer(string="Points given back after a refund (days)")
    loyalty_signal_unpaid_days = fields.Integer(string="Points with no payment, after (days)")
    loyalty_signal_refund_count = fields.Integer(string="Refunds of sales that earned, a month")
    loyalty_signal_otp_count = fields.Integer(string="Codes not verified or wrong, a month")
    loyalty_signal_number_days = fields.Integer(string="Number for codes changed, then used (days)")
    loyalty_signal_cluster_orders = fields.Integer(string="Client with one cashier, orders a month")
    loyalty_signal_cluster_share = fields.Float(string="Client with one cashier, share")
    loyalty_adjust_approval_threshold = fields.Integer(string="Second approval above (points)")
    loyalty_adjust_daily_cap = fields.Integer(string="Points added by hand, daily cap per staff member")

    # Go-live preview (in Test): what switching On from a chosen date would give.
    loyalty_preview_date = fields.Date(
        string="Preview from",
        groups="clinic_loyalty.group_loyalty_manager",
        help="A start date to try: the paid documents since then are replayed with the saved earning rules, "
        "nothing is written.",
    )
    loyalty_preview = fields.Text(
        string="Go-live preview",
        compute="_compute_loyalty_preview",
        groups="clinic_loyalty.group_loyalty_manager",
    )

    @api.depends("loyalty_preview_date", "company_id")
    def _compute_loyalty_preview(self):
        for page in self:
            company = page.company_id.sudo()
            if company.loyalty_status != "test" or not page.loyalty_preview_date:
                page.loyalty_preview = False
                continue
            figures = (
                self.env["clinic.loyalty.accrual"].sudo()._go_live_preview(company, page.loyalty_preview_date)
            )
            page.loyalty_preview = _(
                "Switching On from %(date)s would give %(clients)s clients %(points)s points: a liability of "
                "%(liability)s at the current value of one point (saved settings; nothing was written).",
                date=format_date(self.env, page.loyalty_preview_date),
                clients=figures["clients"],
                points=figures["points"],
                liability=format_amount(self.env, figures["liability"], company.currency_id),
            )
