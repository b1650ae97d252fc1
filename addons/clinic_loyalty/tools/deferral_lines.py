"""The daily entry's lines under the deferred-revenue method (the arithmetic
is in ``loyalty_deferral.py``): each takes the clinic and plain figures, and
returns move line values."""

from odoo.tools import SQL

from .books_lines import BREAKAGE_KINDS, PAID_KINDS
from .loyalty_deferral import DEFERRAL_COLUMNS, DeferralState, deferral_day


def previous_state_sql(company_id, daily_id):
    """SQL: (rate, running totals) of the clinic's day booked before ``daily_id``."""
    return SQL(
        """SELECT deferred_rate, %s FROM clinic_loyalty_daily_move
            WHERE company_id = %s AND id != %s ORDER BY date DESC, id DESC LIMIT 1""",
        SQL(", ").join(SQL.identifier(f"deferred_{name}") for name in DeferralState._fields),
        company_id,
        daily_id,
    )


def save_state_sql(daily_id, rate, state):
    return SQL(
        "UPDATE clinic_loyalty_daily_move SET deferred_rate = %s, %s WHERE id = %s",
        rate,
        SQL(", ").join(
            SQL("%s = %s", SQL.identifier(f"deferred_{name}"), state[i])
            for i, name in enumerate(DeferralState._fields)
        ),
        daily_id,
    )


def unbook_later_sql(later_ids, daily, previous):
    """SQL: the later days' running totals without the day ``daily`` taken
    off the books (``previous``: the day before it, if any)."""
    return SQL(
        "UPDATE clinic_loyalty_daily_move SET %s WHERE id = ANY(%s)",
        SQL(", ").join(
            SQL(
                "%s = %s - %s",
                SQL.identifier(column),
                SQL.identifier(column),
                (daily[column] or 0) - ((previous[column] or 0) if previous else 0),
            )
            for column in DEFERRAL_COLUMNS
        ),
        later_ids,
    )


def day_figures(groups):
    """(sales [(amount, points)], points given without a sale, redeemed,
    expired, paid with points in money) of the day's entry ``groups``."""
    sales, free, redeemed, expired, cleared = [], 0, 0, 0, 0.0
    for kind, paid, points, amount, _count in groups:
        if kind in PAID_KINDS:
            redeemed -= points
            cleared += amount if paid else 0.0
        elif kind in BREAKAGE_KINDS:
            expired -= points
        elif kind == "adjustment":
            free += points
        else:
            sales.append((amount, points))
    return sales, free, redeemed, expired, cleared


def deferral_lines(env, company, previous, groups, value):
    """(running totals after the day, its lines): the day's allocation, the
    recognition on redemption (with expected breakage), the true-up of a
    changed rate, and the points payments cleared off the liability (the
    invoice paid in points is revenue only through the deferral).
    ``previous``: (rate, totals) of the day before, or None."""
    state = DeferralState(*[x or 0 for x in previous[1:]]) if previous else DeferralState()
    rate = company.loyalty_redemption_rate
    sales, free, redeemed, expired, cleared = day_figures(groups)
    digits = company.currency_id.decimal_places
    true_up = deferral_day(state, [], 0, 0, 0, value, rate / 100, digits)
    day = deferral_day(true_up.state, sales, free, redeemed, expired, value, rate / 100, digits)
    old = previous[0] if previous else rate
    revenue, breakage = company.loyalty_revenue_account_id, company.loyalty_breakage_account_id
    entries = [
        (
            true_up.revenue,
            revenue,
            env._(
                "True-up of the revenue of redeemed points (rate %(old)s%% → %(new)s%%)", old=old, new=rate
            ),
        ),
        (
            true_up.breakage,
            breakage,
            env._("True-up of the expected breakage (rate %(old)s%% → %(new)s%%)", old=old, new=rate),
        ),
        (
            -day.sales,
            revenue,
            env._("Revenue allocated to the points earned on sales (rate %(new)s%%)", new=rate),
        ),
        (
            -day.free,
            company.loyalty_earned_account_id,
            env._("Points given without a sale, at their standalone value (rate %(new)s%%)", new=rate),
        ),
        (day.revenue, revenue, env._("Deferred revenue of the points redeemed")),
        (day.breakage, breakage, env._("Expected breakage, in proportion to the points redeemed")),
    ]
    currency, deferred = company.currency_id, company.loyalty_deferred_account_id.id
    lines = []
    for amount, account, label in entries:
        if not currency.is_zero(amount):
            lines += [
                {"name": label, "account_id": deferred, "balance": amount},
                {"name": label, "account_id": account.id, "balance": -amount},
            ]
    cleared = currency.round(cleared)
    if not currency.is_zero(cleared):
        label = env._("Points payments: paid with deferred revenue, not with cash")
        lines += [
            {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": cleared},
            {"name": label, "account_id": revenue.id, "balance": -cleared},
        ]
    return day.state, lines
