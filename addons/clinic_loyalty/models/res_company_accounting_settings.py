"""Who may change the value of a point and the loyalty accounts, what value
is refused, and how a change is logged."""
# The rules around the accounting settings are their own idea
# (res_company_accounting.py holds the fields and their set-up):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_compare, float_round

from .res_company_accounting import POINT_VALUE_DIGITS

LOYALTY_ACCOUNTING_FIELDS = (
    "loyalty_point_value",
    "loyalty_liability_account_id",
    "loyalty_earned_account_id",
    "loyalty_breakage_account_id",
    "loyalty_journal_id",
    "loyalty_payment_journal_id",
    "loyalty_books_method",
    "loyalty_redemption_rate",
    "loyalty_deferred_account_id",
    "loyalty_revenue_account_id",
)
LOYALTY_ACCOUNTING_GROUPS = ("clinic_loyalty.group_loyalty_manager", "account.group_account_manager")


class ResCompany(models.Model):
    _inherit = "res.company"

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

    def write(self, vals):
        touched = [f for f in LOYALTY_ACCOUNTING_FIELDS if f in vals]
        self._loyalty_check_point_value_digits(vals.get("loyalty_point_value"))
        if not touched or self.env.context.get("loyalty_accounting_setup"):
            return super().write(vals)
        if not self._loyalty_may_edit_accounting():
            raise AccessError(
                _(
                    "Only Loyalty Managers and accountants change the value of a point and the loyalty "
                    "accounts."
                )
            )
        before = {company: {f: company[f] for f in touched} for company in self}
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
        res = super().write(vals)
        for company, old in before.items():
            changes = [
                f"{f}: {old[f].display_name if hasattr(old[f], 'display_name') else old[f]} → "
                f"{company[f].display_name if hasattr(company[f], 'display_name') else company[f]}"
                for f in touched
                if old[f] != company[f]
            ]
            if changes:
                company.partner_id.sudo().message_post(
                    body=_(
                        "Loyalty accounting settings changed by %(user)s: %(changes)s",
                        user=self.env.user.name,
                        changes="; ".join(changes),
                    )
                )
        if vals.get("loyalty_point_value"):
            # Setting a value is the first use of the books: accounts and
            # journals appear if missing.
            self.filtered("loyalty_point_value").with_context(
                loyalty_accounting_setup=True
            )._loyalty_accounting_setup()
        return res

    def _loyalty_liability_drift(self):
        """[(company, difference)] for the clinics whose liability account
        does not carry the value of their booked points (under deferral: whose
        deferred revenue account does not carry what is left to recognise)."""
        self.env.flush_all()
        report = self.env["clinic.loyalty.liability.report"].sudo()
        report.invalidate_model()
        rows = report.search([("company_id", "in", self.ids)] if self else [])
        drift = []
        for row in rows:
            difference = (
                row.company_id._loyalty_deferral_drift()
                if row.company_id.loyalty_books_method == "deferral"
                else row.difference
            )
            if not row.currency_id.is_zero(difference):
                drift.append((row.company_id, difference))
        return drift
