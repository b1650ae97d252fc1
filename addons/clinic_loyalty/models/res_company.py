from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_round

from ..tools.programme import (
    BOOKS_METHOD_HELP,
    BOOKS_METHODS,
    EARNING_MODE_HELP,
    EARNING_MODES,
    EXPIRY_FIELDS,
    LOYALTY_ACCOUNTING_FIELDS,
    LOYALTY_ACCOUNTING_GROUPS,
    LOYALTY_STATUS,
    MAX_EXPIRY_MONTHS,
    MAX_NOTICE_DAYS,
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
        (
            "loyalty_point_value_positive",
            "check(loyalty_point_value >= 0)",
            "The value of one point cannot be negative.",
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

    def write(self, vals):
        self._loyalty_check_books_method(vals)
        """Who may change the books' settings, and what a change sets off: the
        status history, the readiness check, the settings change log, the
        accounts of a first point value, the balance of a replaced liability
        account."""
        self._loyalty_check_point_value_digits(vals.get("loyalty_point_value"))
        setup = self.env.context.get("loyalty_accounting_setup")
        accounting = [] if setup else [f for f in LOYALTY_ACCOUNTING_FIELDS if f in vals]
        if accounting:
            self._loyalty_check_accounting_write(vals)
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
        self._loyalty_log_changes(
            before,
            programme,
            lambda name, changes: self.env._(
                "Loyalty programme settings changed by %(user)s: %(changes)s", user=name, changes=changes
            ),
        )
        self._loyalty_log_changes(
            before,
            expiry,
            lambda name, changes: self.env._(
                "Loyalty points expiry changed by %(user)s: %(changes)s (applies to points added "
                "from now on).",
                user=name,
                changes=changes,
            ),
            labels=True,
        )
        self._loyalty_log_changes(
            before,
            accounting,
            lambda name, changes: self.env._(
                "Loyalty accounting settings changed by %(user)s: %(changes)s", user=name, changes=changes
            ),
        )
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
        """The one settings change log: post on each clinic's contact which of
        ``names`` changed since ``before`` ({company id: {field: value}}), as
        ``message(user name, changes)``; fields by label when ``labels``."""
        if not names:
            return
        label = {f: self._fields[f].get_description(self.env)["string"] if labels else f for f in names}

        def shown(value):
            return value.display_name if hasattr(value, "display_name") else value

        for company in self:
            old = before[company.id]
            changes = [
                f"{label[f]}: {shown(old[f])} → {shown(company[f])}" for f in names if old[f] != company[f]
            ]
            if changes:
                company.partner_id.sudo().message_post(body=message(self.env.user.name, "; ".join(changes)))

    def _loyalty_check_accounting_write(self, vals):
        """Only Loyalty Managers and accountants change the value of a point
        and the loyalty accounts; a value booked already is never set to 0."""
        if not self._loyalty_may_edit_accounting():
            raise AccessError(
                _(
                    "Only Loyalty Managers and accountants change the value of a point and the loyalty "
                    "accounts."
                )
            )
        if "loyalty_point_value" in vals and not vals["loyalty_point_value"]:
            booked = (
                self.env["clinic.loyalty.daily.move"]
                .sudo()
                .search_count([("company_id", "in", self.ids)], limit=1)
            )
            if booked and any(c.loyalty_point_value for c in self):
                raise ValidationError(
                    _(
                        "Points are already on the books at their value: set a new value (it applies from "
                        "now on, the outstanding points are revalued) rather than 0."
                    )
                )

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

    # --- accounting ---
    # Where a clinic's points sit in its books: the value of one point and the
    # accounts and journals the points are booked on, created on first use.
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

    # --- accounting settings ---
    # Who may change the value of a point and the loyalty accounts, what value
    # is refused, and how a change is logged.
    @api.model
    def _loyalty_may_edit_accounting(self):
        user = self.env.user
        return self.env.su or any(user.has_group(group) for group in LOYALTY_ACCOUNTING_GROUPS)

    @api.constrains("loyalty_point_value", "loyalty_spend_per_point")
    def _check_loyalty_point_value(self):
        for company in self:
            value = company.loyalty_point_value
            if value < 0:
                raise ValidationError(_("The value of one point cannot be negative: enter 0 or more."))
            if value and value > company.loyalty_spend_per_point:
                # One point is earned per "spend per point": a point worth
                # more would give back more than the client spent.
                raise ValidationError(
                    _(
                        "%(clinic)s: a point cannot be worth %(value)s when %(spend)s of spend earns it "
                        "(clients would get back more than they spent). Enter a value up to %(spend)s.",
                        clinic=company.name,
                        value=value,
                        spend=company.loyalty_spend_per_point,
                    )
                )

    @api.model
    def _loyalty_check_point_value_digits(self, value):
        """Refuse a value of one point the column would round (it keeps 4
        decimals): a silently rounded value misstates every point."""
        decimals = POINT_VALUE_DIGITS[1]
        if value and float_compare(value, float_round(value, precision_digits=decimals), precision_digits=10):
            raise ValidationError(
                _(
                    "A point can be worth %(value)s with at most %(decimals)s decimals: enter %(rounded)s or "
                    "another value with %(decimals)s decimals.",
                    value=value,
                    decimals=decimals,
                    rounded=float_round(value, precision_digits=decimals),
                )
            )

    def _loyalty_liability_drift(self):
        """[(company, difference)] for the clinics whose liability account
        does not carry the value of their booked points."""
        self.env.flush_all()
        report = self.env["clinic.loyalty.liability.report"].sudo()
        report.invalidate_model()
        rows = report.search([("company_id", "in", self.ids)] if self else [])
        return [
            (row.company_id, row.difference) for row in rows if not row.currency_id.is_zero(row.difference)
        ]

    # --- expiry ---
    loyalty_expiry_months = fields.Integer(
        string="Points expire after (months)",
        default=0,
        help="Points added from now on expire this many months after the day they were earned. 0: never. "
        "A change applies to new points only and is logged.",
    )
    loyalty_expiry_notice_days = fields.Integer(
        string="Warn clients (days before)",
        default=30,
        help="Clients receive one email this many days before points expire. 0: no warning.",
    )

    @api.constrains(*EXPIRY_FIELDS)
    def _check_loyalty_expiry(self):
        for company in self:
            if not 0 <= company.loyalty_expiry_months <= MAX_EXPIRY_MONTHS:
                raise ValidationError(
                    _(
                        "Points expire after 0 (never) to %(max)s months: %(value)s is not possible "
                        "for %(clinic)s.",
                        max=MAX_EXPIRY_MONTHS,
                        value=company.loyalty_expiry_months,
                        clinic=company.name,
                    )
                )
            if not 0 <= company.loyalty_expiry_notice_days <= MAX_NOTICE_DAYS:
                raise ValidationError(
                    _(
                        "Warn clients 0 (no warning) to %(max)s days before their points expire: "
                        "%(value)s is not possible for %(clinic)s.",
                        max=MAX_NOTICE_DAYS,
                        value=company.loyalty_expiry_notice_days,
                        clinic=company.name,
                    )
                )

    # --- liability account ---
    # Changing a clinic's loyalty liability account: the balance the old one
    # carries moves to the new one by a transfer entry, and everything that books
    # on it (the points-payment journal, and through the OTP addon the points
    # method of every shop) points at the new one.
    def _loyalty_liability_balance(self, account):
        self.ensure_one()
        self.env.flush_all()
        lines = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.id),
                    ("account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                ],
                aggregates=["balance:sum"],
            )
        )
        return lines[0][0] if lines else 0.0

    def _loyalty_move_liability(self, old, new):
        """Transfer the balance of ``old`` to ``new`` (dated today, in the
        loyalty journal) and re-point what books on the liability."""
        self.ensure_one()
        if new.account_type != "liability_current":
            raise UserError(
                _(
                    "The loyalty liability account must be a current liability: %(account)s is not.",
                    account=new.display_name,
                )
            )
        balance = self._loyalty_liability_balance(old)
        if not self.currency_id.is_zero(balance):
            if not self.loyalty_journal_id:
                raise UserError(
                    _(
                        "%(clinic)s has no loyalty journal to transfer the points liability in: set it in "
                        "Loyalty → Settings first.",
                        clinic=self.name,
                    )
                )
            label = _(
                "Loyalty points liability moved from %(old)s to %(new)s",
                old=old.display_name,
                new=new.display_name,
            )
            transfer = (
                self.env["account.move"]
                .with_company(self)
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": self.loyalty_journal_id.id,
                        "date": fields.Date.context_today(self.with_company(self)),
                        "ref": label,
                        "line_ids": [
                            fields.Command.create({"name": label, "account_id": old.id, "balance": -balance}),
                            fields.Command.create({"name": label, "account_id": new.id, "balance": balance}),
                        ],
                    }
                )
            )
            transfer.action_post()
        self._loyalty_repoint_liability(old, new)
        # Odoo makes a payment account reconcilable: points payments are
        # settled when paid, nothing waits on a statement.
        new.reconcile = False

    def _loyalty_repoint_liability(self, old, new):
        """Everything that booked on ``old`` books on ``new`` (extended by the
        addons that add payment methods on the points liability)."""
        self.ensure_one()
        journal = self.loyalty_payment_journal_id
        if not journal:
            return
        if journal.default_account_id == old:
            journal.default_account_id = new
        (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).filtered(
            lambda line: line.payment_account_id in (old, self.env["account.account"])
        ).payment_account_id = new

    # --- signal ---
    # The staff-signal thresholds of a clinic.
    loyalty_signal_lookback_days = fields.Integer(
        string="Signals look back (days)",
        default=62,
        help="How far back each nightly run reads the ledger and the sales. A finding is recorded once.",
    )
    loyalty_signal_staff_points = fields.Integer(
        string="Staff earning, points a month",
        default=150,
        help="Points earned in a month on a staff member's contact, or a contact sharing their phone or "
        "email, above which it is flagged: a cashier collecting clients' points on their own card.",
    )
    loyalty_signal_adjust_min_points = fields.Integer(
        string="Manual points, points a month",
        default=300,
        help="Points a staff member adds by hand in a month above which, if also far above their peers "
        "(factor below), it is flagged: points given to friends.",
    )
    loyalty_signal_adjust_factor = fields.Float(
        string="Manual points, times the peers' average",
        default=3.0,
        help="How many times the average of the other staff members' manual points a month is flagged.",
    )
    loyalty_signal_same_client_count = fields.Integer(
        string="Manual points, to one client a month",
        default=3,
        help="Adjustments by one staff member to the same client in a month from which it is flagged.",
    )
    loyalty_signal_refund_days = fields.Integer(
        string="Points given back after a refund (days)",
        default=7,
        help="Points added by hand to a client this many days after a refund took theirs back: the refund "
        "kept the money and the points.",
    )
    loyalty_signal_unpaid_days = fields.Integer(
        string="Points with no payment, after (days)",
        default=3,
        help="Points still standing on an invoice that is not, or no longer, paid this many days after "
        "they were earned: points with no money behind them.",
    )
    loyalty_signal_refund_count = fields.Integer(
        string="Refunds of sales that earned, a month",
        default=3,
        help="Refunds or returns of sales that earned points, per cashier and month, from which it is "
        "flagged: refunding and keeping the points.",
    )
    loyalty_signal_otp_count = fields.Integer(
        string="Codes not verified or wrong, a month",
        default=5,
        help="Codes a cashier requested and never verified, or wrong codes entered, in a month, from "
        "which it is flagged: trying to spend a client's points without them.",
    )
    loyalty_signal_number_days = fields.Integer(
        string="Number for codes changed, then used (days)",
        default=7,
        help="A code verified on a client's new number for codes within this many days of the change.",
    )
    loyalty_signal_cluster_orders = fields.Integer(
        string="Client with one cashier, orders a month",
        default=5,
        help="Orders a client must have in a month before their cashiers are compared.",
    )
    loyalty_signal_cluster_share = fields.Float(
        string="Client with one cashier, share",
        default=0.8,
        help="Share of a client's orders taken by one cashier (when that is at least three times the "
        "cashier's share of all sales) from which it is flagged: a cashier's friend, or their own card.",
    )
    loyalty_adjust_approval_threshold = fields.Integer(
        string="Second approval above (points)",
        default=100,
        help="Manual adjustments of more points than this wait for a second Loyalty Manager's approval.",
    )
    loyalty_adjust_daily_cap = fields.Integer(
        string="Points added by hand, daily cap per staff member",
        default=500,
        help="The most points one staff member may add by hand in a day (approved or waiting). 0: no cap.",
    )

    @api.constrains(*SIGNAL_THRESHOLDS)
    def _check_loyalty_signal_thresholds(self):
        for company in self:
            for name in SIGNAL_THRESHOLDS:
                if company[name] < 0:
                    raise ValidationError(
                        _(
                            "%(setting)s cannot be negative for %(clinic)s.",
                            setting=self._fields[name].get_description(self.env)["string"],
                            clinic=company.name,
                        )
                    )
            if company.loyalty_signal_cluster_share > 1:
                raise ValidationError(_("A share of a client's orders is between 0 and 1 (0.8 is 80%)."))

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
        help="Carries the value of the points of clients whose balance is below zero (a credit note after "
        "they spent their points): owed by them, not netted against the liability.",
    )

    def _loyalty_negative_account_setup(self):
        for company in self.sudo().filtered(lambda c: not c.loyalty_negative_account_id):
            Account = self.env["account.account"].sudo().with_company(company)
            last = Account.search(
                [("company_ids", "=", company.id), ("account_type", "=", "asset_current")],
                order="code desc",
                limit=1,
            )
            company.with_context(loyalty_accounting_setup=True).loyalty_negative_account_id = Account.create(
                {
                    "name": _("Loyalty points owed by clients"),
                    "code": Account._search_new_account_code(last.code or "1900"),
                    "account_type": "asset_current",
                    "reconcile": False,
                    "company_ids": [fields.Command.set(company.ids)],
                }
            )

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
