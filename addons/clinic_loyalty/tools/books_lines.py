"""The lines of the daily loyalty entry (``clinic.loyalty.daily.move``) and
what it says: pure computation from the clinic, the groups of entries and the
value of a point. Texts are written in the environment's language."""

from odoo.fields import Date
from odoo.tools import float_is_zero

# What each kind of entry is booked against, besides the liability account.
BREAKAGE_KINDS = ("expiry",)

PAID_KINDS = ("redemption", "refund")


def pair(company, label, credit, other):
    """Credit ``credit`` to the liability, debit it to ``other``."""
    return [
        {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": -credit},
        {"name": label, "account_id": other.id, "balance": credit},
    ]


def move_lines(env, company, groups, value):
    """Two lines per group of entries: the liability and its counterpart.
    ``groups``: (kind, paid source?, points, money the payment booked, count)."""
    labels = dict(env["clinic.loyalty.entry"]._fields["kind"]._description_selection(env))
    currency = company.currency_id
    lines = []
    for kind, paid, points, paid_amount, count in groups:
        # Credit to the liability: the points' value, less what a payment
        # already booked on it (paid sources: only the difference).
        credit = currency.round(points * value - (paid_amount if paid else 0.0))
        if float_is_zero(credit, precision_rounding=currency.rounding):
            continue
        other = (
            company.loyalty_breakage_account_id
            if kind in BREAKAGE_KINDS
            else company.loyalty_earned_account_id
        )
        label = env._(
            "%(kind)s: %(points)s points (%(count)s entries)",
            kind=labels.get(kind, kind),
            points=points,
            count=count,
        )
        if paid:
            label = env._("%(label)s, difference with the payments", label=label)
        lines += pair(company, label, credit, other)
    return lines


def revaluation_lines(env, company, points, old_value, new_value):
    credit = company.currency_id.round(points * (new_value - old_value))
    if company.currency_id.is_zero(credit):
        return []
    label = env._(
        "Revaluation of %(points)s outstanding points from %(old)s to %(new)s a point",
        points=points,
        old=old_value,
        new=new_value,
    )
    return pair(company, label, credit, company.loyalty_earned_account_id)


def negative_credit(company, before, now, old_value, value):
    """Move the owed points off the liability at today's value: the change of
    the day (``before`` → ``now``, both 0 or less), and the revaluation of
    those already owed."""
    return company.currency_id.round((before - now) * value + (-before) * (value - old_value))


def negative_label(env, now):
    return env._("Points owed by clients (balances below zero): %(points)s points", points=-now)


def too_many_points(env, points, clinic, maximum):
    return env._(
        "%(points)s points cannot be booked for %(clinic)s: the books hold at most %(max)s points.",
        points=points,
        clinic=clinic,
        max=maximum,
    )


def move_ref(env, date, note=""):
    """The reference of the day's move, with ``note`` (see ``locked_note``)."""
    return env._("Loyalty points of %(date)s", date=Date.to_string(date)) + note


def locked_note(env, date):
    return env._(
        " (events of %(date)s: that period is locked, booked on the first open date)",
        date=Date.to_string(date),
    )


def post_denied(env):
    return env._("Only Loyalty Managers and accountants post the loyalty journal entries.")


def unbook_revalued(env, date):
    return env._(
        "The loyalty entry of %(date)s cannot leave the books alone: the value of a point "
        "changed after it. Reverse the later loyalty entries first, from the newest.",
        date=date,
    )


def unbooked_note(env, date, user, points):
    return env._(
        "Loyalty entry of %(date)s taken off the books by %(user)s: its %(points)s points are "
        "booked again by the next daily entry.",
        date=date,
        user=user,
        points=points,
    )
