from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import books_setup, company_settings
from ..tools import company_notices as notices
from ..tools.company_help import (
    EXPIRY_MONTHS_HELP,
    LIABILITY_ACCOUNT_HELP,
    NEGATIVE_ACCOUNT_HELP,
    PAYMENT_JOURNAL_HELP,
    POINT_VALUE_HELP,
    SIGNAL_FIELDS,
)
from ..tools.programme import (
    BOOKS_METHOD_HELP,
    BOOKS_METHODS,
    EARNING_MODE_HELP,
    EARNING_MODES,
    EXPIRY_FIELDS,
    LOYALTY_ACCOUNTING_FIELDS,
    LOYALTY_SQL_CONSTRAINTS,
    LOYALTY_STATUS,
    MIN_AMOUNT_HELP,
    POINT_VALUE_DIGITS,
    PROGRAMME_LOG_FIELDS,
    REDEMPTION_RATE_HELP,
    SIGNAL_THRESHOLDS,
    START_DATE_HELP,
    STATUS_HELP,
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
    loyalty_min_transaction_amount = fields.Monetary(currency_field="currency_id", help=MIN_AMOUNT_HELP)
    loyalty_description = fields.Html(translate=True, sanitize=True)
    loyalty_start_date = fields.Date(string="Programme start date", help=START_DATE_HELP)

    _sql_constraints = LOYALTY_SQL_CONSTRAINTS

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
            issues.append(notices.no_reward(self.env))
        if not has_item:
            issues.append(notices.no_item(self.env))
        return issues

    def _check_loyalty_ready(self):
        """Refuse to open a programme that has nothing to earn or redeem."""
        for company in self.filtered(lambda c: c.loyalty_status == "on"):
            issues = company._loyalty_readiness_issues()
            if issues:
                raise ValidationError(notices.not_ready(self.env, company.name, " ".join(issues)))

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(lambda c: c.loyalty_status != "off")._loyalty_log_status(
            {c.id: {"loyalty_status": "off"} for c in companies}
        )
        return companies

    def write(self, vals):
        """Who may change the books' settings, and what a change sets off: the
        status history, the readiness check, the settings change log, the
        accounts of a first point value, the balance of a replaced liability
        account."""
        company_settings.check_point_value_digits(self.env, vals.get("loyalty_point_value"))
        company_settings.check_books_method(self, vals)
        setup = self.env.context.get("loyalty_accounting_setup")
        accounting = [] if setup else [f for f in LOYALTY_ACCOUNTING_FIELDS if f in vals]
        if accounting:
            company_settings.check_accounting_write(self, vals)
        liability = (
            {}
            if setup or not vals.get("loyalty_liability_account_id")
            else {company: company.loyalty_liability_account_id for company in self}
        )
        programme = [f for f in PROGRAMME_LOG_FIELDS if f in vals]
        expiry = [f for f in EXPIRY_FIELDS if f in vals]
        before = {company.id: {f: company[f] for f in programme + expiry + accounting} for company in self}
        res = super().write(vals)
        self._loyalty_log_status(before)
        if vals.get("loyalty_status") == "on":
            self._check_loyalty_ready()
        self._loyalty_log_changes(before, programme, lambda *a: notices.programme_changed(self.env, *a))
        self._loyalty_log_changes(
            before, expiry, lambda *a: notices.expiry_changed(self.env, *a), labels=True
        )
        self._loyalty_log_changes(before, accounting, lambda *a: notices.accounting_changed(self.env, *a))
        if accounting and vals.get("loyalty_point_value"):
            # Setting a value is the first use of the books: accounts and
            # journals appear if missing.
            self.filtered("loyalty_point_value").with_context(
                loyalty_accounting_setup=True
            )._loyalty_accounting_setup()
        for company, account in liability.items():
            if account and account != company.loyalty_liability_account_id:
                company.sudo()._loyalty_move_liability(account, company.loyalty_liability_account_id)
        return res

    def _loyalty_log_changes(self, before, names, message, labels=False):
        company_settings.log_changes(self, before, names, message, labels=labels)

    def _loyalty_log_status(self, before):
        self.env["clinic.loyalty.status.change"]._log_companies(self, before)

    # --- accounting ---
    # Where a clinic's points sit in its books: the value of one point and the
    # accounts and journals the points are booked on, created on first use.
    # Not a Monetary: a point may be worth less than the currency's smallest
    # unit (0.005). Both are numeric columns: the stored values are kept.
    loyalty_point_value = fields.Float(
        string="Value of one point", digits=POINT_VALUE_DIGITS, help=POINT_VALUE_HELP
    )
    loyalty_liability_account_id = fields.Many2one(
        "account.account",
        string="Loyalty points liability account",
        check_company=True,
        help=LIABILITY_ACCOUNT_HELP,
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
        help=PAYMENT_JOURNAL_HELP,
    )

    @api.model
    def _loyalty_has_chart(self, company):
        return books_setup.has_chart(self.env, company)

    def _loyalty_accounting_setup(self):
        """Create the loyalty accounts and journals each company lacks (see
        ``tools/books_setup.py``)."""
        for company in self.sudo():
            books_setup.setup_books(company)

    # --- accounting settings ---
    # What value of a point is refused (who may change it: tools/company_settings.py).
    @api.constrains("loyalty_point_value", "loyalty_spend_per_point")
    def _check_loyalty_point_value(self):
        for company in self:
            company_settings.check_point_value(company)

    def _loyalty_liability_drift(self):
        return self.env["clinic.loyalty.liability.report"]._drift(self)

    # --- expiry ---
    loyalty_expiry_months = fields.Integer(
        string="Points expire after (months)", default=0, help=EXPIRY_MONTHS_HELP
    )
    loyalty_expiry_notice_days = fields.Integer(
        string="Warn clients (days before)",
        default=30,
        help="Clients receive one email this many days before points expire. 0: no warning.",
    )

    @api.constrains(*EXPIRY_FIELDS)
    def _check_loyalty_expiry(self):
        for company in self:
            company_settings.check_expiry(company)

    # --- liability account --- (a changed account: tools/books_setup.py)
    def _loyalty_liability_balance(self, account):
        self.ensure_one()
        return books_setup.liability_balance(self, account)

    def _loyalty_move_liability(self, old, new):
        self.ensure_one()
        books_setup.move_liability(self, old, new)

    def _loyalty_repoint_liability(self, old, new):
        """Everything that booked on ``old`` books on ``new`` (extended by the
        addons that add payment methods on the points liability)."""
        self.ensure_one()
        books_setup.repoint_liability(self, old, new)

    # --- signal ---
    # The staff-signal thresholds of a clinic.
    loyalty_signal_lookback_days = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_lookback_days"])
    loyalty_signal_staff_points = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_staff_points"])
    loyalty_signal_adjust_min_points = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_adjust_min_points"])
    loyalty_signal_adjust_factor = fields.Float(**SIGNAL_FIELDS["loyalty_signal_adjust_factor"])
    loyalty_signal_same_client_count = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_same_client_count"])
    loyalty_signal_refund_days = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_refund_days"])
    loyalty_signal_unpaid_days = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_unpaid_days"])
    loyalty_signal_refund_count = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_refund_count"])
    loyalty_signal_otp_count = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_otp_count"])
    loyalty_signal_number_days = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_number_days"])
    loyalty_signal_cluster_orders = fields.Integer(**SIGNAL_FIELDS["loyalty_signal_cluster_orders"])
    loyalty_signal_cluster_share = fields.Float(**SIGNAL_FIELDS["loyalty_signal_cluster_share"])
    loyalty_adjust_approval_threshold = fields.Integer(**SIGNAL_FIELDS["loyalty_adjust_approval_threshold"])
    loyalty_adjust_daily_cap = fields.Integer(**SIGNAL_FIELDS["loyalty_adjust_daily_cap"])

    @api.constrains(*SIGNAL_THRESHOLDS)
    def _check_loyalty_signal_thresholds(self):
        for company in self:
            company_settings.check_signal_thresholds(company)

    # --- negative ---
    # Negative balances are not netted: a client whose credit note left them
    # below zero owes points, which is no reduction of the liability owed to the
    # others. The daily entry keeps the booked negative points on their own
    # account ("Loyalty points owed by clients"), so the liability account carries
    # the positive balances only.
    loyalty_negative_account_id = fields.Many2one(
        "account.account",
        string="Loyalty points owed by clients account",
        check_company=True,
        help=NEGATIVE_ACCOUNT_HELP,
    )

    def _loyalty_negative_account_setup(self):
        for company in self.sudo().filtered(lambda c: not c.loyalty_negative_account_id):
            account = books_setup.new_account(company, "loyalty_negative_account_id", "asset_current", "1900")
            company.with_context(loyalty_accounting_setup=True).loyalty_negative_account_id = account

    # --- the method of the books: provision at face value or deferred revenue ---
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
    def _check_loyalty_redemption_rate(self):
        for company in self:
            company_settings.check_redemption_rate(company.env, company.loyalty_redemption_rate)

    def _loyalty_deferral_setup(self):
        """The two accounts of the deferred-revenue method, created on first use."""
        for company in self.sudo():
            books_setup.setup_deferral(company)
