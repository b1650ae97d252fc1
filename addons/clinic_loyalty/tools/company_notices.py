"""What a clinic's loyalty settings say when refused or changed (readiness,
the change logs, the value of a point, expiry, signal thresholds). Each takes
the environment whose language it is written in."""


def no_reward(env):
    return env._("No active reward: clients would have nothing to redeem.")


def no_item(env):
    return env._("No eligible item: nothing would earn points.")


def not_ready(env, clinic, issues):
    return env._(
        "%(clinic)s cannot switch its loyalty programme On yet: configure rewards and "
        "eligible items first, or leave it in Test. %(issues)s",
        clinic=clinic,
        issues=issues,
    )


def programme_changed(env, user, changes):
    return env._("Loyalty programme settings changed by %(user)s: %(changes)s", user=user, changes=changes)


def expiry_changed(env, user, changes):
    return env._(
        "Loyalty points expiry changed by %(user)s: %(changes)s (applies to points added from now on).",
        user=user,
        changes=changes,
    )


def accounting_changed(env, user, changes):
    return env._("Loyalty accounting settings changed by %(user)s: %(changes)s", user=user, changes=changes)


def accounting_denied(env):
    return env._(
        "Only Loyalty Managers and accountants change the value of a point and the loyalty accounts."
    )


def value_booked(env):
    return env._(
        "Points are already on the books at their value: set a new value (it applies from "
        "now on, the outstanding points are revalued) rather than 0."
    )


def value_negative(env):
    return env._("The value of one point cannot be negative: enter 0 or more.")


def value_too_high(env, clinic, value, spend):
    return env._(
        "%(clinic)s: a point cannot be worth %(value)s when %(spend)s of spend earns it "
        "(clients would get back more than they spent). Enter a value up to %(spend)s.",
        clinic=clinic,
        value=value,
        spend=spend,
    )


def value_digits(env, value, decimals, rounded):
    return env._(
        "A point can be worth %(value)s with at most %(decimals)s decimals: enter %(rounded)s or "
        "another value with %(decimals)s decimals.",
        value=value,
        decimals=decimals,
        rounded=rounded,
    )


def expiry_months(env, maximum, value, clinic):
    return env._(
        "Points expire after 0 (never) to %(max)s months: %(value)s is not possible for %(clinic)s.",
        max=maximum,
        value=value,
        clinic=clinic,
    )


def notice_days(env, maximum, value, clinic):
    return env._(
        "Warn clients 0 (no warning) to %(max)s days before their points expire: "
        "%(value)s is not possible for %(clinic)s.",
        max=maximum,
        value=value,
        clinic=clinic,
    )


def threshold_negative(env, setting, clinic):
    return env._("%(setting)s cannot be negative for %(clinic)s.", setting=setting, clinic=clinic)


def share_above_one(env):
    return env._("A share of a client's orders is between 0 and 1 (0.8 is 80%).")
