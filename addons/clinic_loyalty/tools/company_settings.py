"""Who may change a clinic's books settings, what value of a point is
refused, and the one settings change log. Each takes the clinics
(``res.company`` records) or the environment it checks."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_round

from . import company_notices as notices
from .programme import (
    BOOKS_METHODS,
    LOYALTY_ACCOUNTING_GROUPS,
    MAX_EXPIRY_MONTHS,
    MAX_NOTICE_DAYS,
    POINT_VALUE_DIGITS,
    SIGNAL_THRESHOLDS,
)


def may_edit_accounting(env):
    user = env.user
    return env.su or any(user.has_group(group) for group in LOYALTY_ACCOUNTING_GROUPS)


def check_accounting_write(companies, vals):
    """Only Loyalty Managers and accountants change the value of a point
    and the loyalty accounts; a value booked already is never set to 0."""
    env = companies.env
    if not may_edit_accounting(env):
        raise AccessError(notices.accounting_denied(env))
    if "loyalty_point_value" in vals and not vals["loyalty_point_value"]:
        booked = (
            env["clinic.loyalty.daily.move"]
            .sudo()
            .search_count([("company_id", "in", companies.ids)], limit=1)
        )
        if booked and any(c.loyalty_point_value for c in companies):
            raise ValidationError(notices.value_booked(env))


def check_point_value_digits(env, value):
    """Refuse a value of one point the column would round (it keeps 4
    decimals): a silently rounded value misstates every point."""
    decimals = POINT_VALUE_DIGITS[1]
    if value and float_compare(value, float_round(value, precision_digits=decimals), precision_digits=10):
        rounded = float_round(value, precision_digits=decimals)
        raise ValidationError(notices.value_digits(env, value, decimals, rounded))


def log_changes(companies, before, names, message, labels=False):
    """The one settings change log: post on each clinic's contact which of
    ``names`` changed since ``before`` ({company id: {field: value}}), as
    ``message(user name, changes)``; fields by label when ``labels``."""
    if not names:
        return
    env = companies.env
    label = {f: companies._fields[f].get_description(env)["string"] if labels else f for f in names}

    def shown(value):
        return value.display_name if hasattr(value, "display_name") else value

    for company in companies:
        old = before[company.id]
        changes = [
            f"{label[f]}: {shown(old[f])} → {shown(company[f])}" for f in names if old[f] != company[f]
        ]
        if changes:
            company.partner_id.sudo().message_post(body=message(env.user.name, "; ".join(changes)))


def check_point_value(company):
    env = company.env
    value = company.loyalty_point_value
    if value < 0:
        raise ValidationError(notices.value_negative(env))
    if value and value > company.loyalty_spend_per_point:
        # One point is earned per "spend per point": a point worth
        # more would give back more than the client spent.
        raise ValidationError(
            notices.value_too_high(env, company.name, value, company.loyalty_spend_per_point)
        )


def check_expiry(company):
    env = company.env
    if not 0 <= company.loyalty_expiry_months <= MAX_EXPIRY_MONTHS:
        raise ValidationError(
            notices.expiry_months(env, MAX_EXPIRY_MONTHS, company.loyalty_expiry_months, company.name)
        )
    if not 0 <= company.loyalty_expiry_notice_days <= MAX_NOTICE_DAYS:
        raise ValidationError(
            notices.notice_days(env, MAX_NOTICE_DAYS, company.loyalty_expiry_notice_days, company.name)
        )


def check_signal_thresholds(company):
    env = company.env
    for name in SIGNAL_THRESHOLDS:
        if company[name] < 0:
            setting = company._fields[name].get_description(env)["string"]
            raise ValidationError(notices.threshold_negative(env, setting, company.name))
    if company.loyalty_signal_cluster_share > 1:
        raise ValidationError(notices.share_above_one(env))


def check_redemption_rate(env, rate):
    """Refuse an expected redemption rate that is not a share of the points."""
    if not 0 < rate <= 100:
        raise ValidationError(
            env._("The expected redemption rate is a share of the points: enter more than 0 and up to 100.")
        )


def check_books_method(companies, vals):
    """The method of the books cannot change under entries booked with it; a
    rate out of range is refused before anything is written."""
    env = companies.env
    if "loyalty_redemption_rate" in vals:
        check_redemption_rate(env, vals["loyalty_redemption_rate"])
    method = vals.get("loyalty_books_method")
    changed = companies.filtered(lambda c: method and c.loyalty_books_method != method)
    if not changed:
        return
    booked = (
        env["clinic.loyalty.daily.move"]
        .sudo()
        .search([("company_id", "in", changed.ids), ("move_id", "!=", False)], limit=1)
    )
    if booked:
        raise UserError(
            env._(
                '%(clinic)s has loyalty entries booked as "%(method)s": the method cannot change under '
                "them. An accounting manager first reverses the loyalty entries of the loyalty journal, "
                "from the newest; the next daily entry books their points again under the new method.",
                clinic=booked.company_id.name,
                method=dict(BOOKS_METHODS)[booked.company_id.loyalty_books_method],
            )
        )
