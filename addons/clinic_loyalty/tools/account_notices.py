"""What a client's loyalty account says to staff (refusals, the balance check,
the weekly proofs of the ledger and the books). Each takes the environment
whose language it is written in."""

EXPIRY_HELP = "The points that expire next and when (the clinic's expiry rule when they were earned)."
PORTAL_ACCESS_HELP = (
    "Portal users other than the client's own login who may see this account and request "
    "rewards from it (e.g. a farm's contact). Only a Loyalty Manager grants it; a grant holds "
    "redemptions like any change of owner."
)


def not_positive(env):
    return env._("A redemption must spend a positive number of points.")


def in_test(env, clinic):
    return env._(
        "%(clinic)s's loyalty programme is in Test: it is not open for redemptions, except on "
        "a training point of sale (a Loyalty Manager marks one).",
        clinic=clinic,
    )


def off(env, clinic):
    return env._(
        "%(clinic)s's loyalty programme is off: it is not open for redemptions, points cannot be spent.",
        clinic=clinic,
    )


def checked(env, count):
    """The notification of a balance check that found nothing."""
    message = (
        env._("Account checked: its points match the ledger.")
        if count == 1
        else env._("%(count)s accounts checked: their points match the ledger.", count=count)
    )
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {"type": "success", "message": message},
    }


def drifting(env, lines):
    """The notification of a balance check that found ``lines`` of drift."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": "danger",
            "sticky": True,
            "message": env._(
                "Balances that do not match the ledger: %(accounts)s", accounts="; ".join(lines)
            ),
        },
    }


def drift_line(env, account, balance, total):
    return env._(
        "%(account)s: balance %(balance)s, ledger %(total)s", account=account, balance=balance, total=total
    )


def drift_note(env, balance, total):
    return env._(
        "Balance check: the balance (%(balance)s) does not match the sum of the ledger "
        "entries (%(total)s). Investigate before the client redeems points.",
        balance=balance,
        total=total,
    )


def books_note(env, difference):
    return env._(
        "Points liability check: the liability account differs from the value of the booked "
        "points by %(difference)s. Open Loyalty → Reporting → Points liability and look for an "
        "entry booked by hand on the liability account.",
        difference=difference,
    )


def expiry_line(env, points, date):
    return env._("%(points)s points expire on %(date)s", points=points, date=date)


def portal_changed(env, user, users):
    return env._(
        "Portal access changed by %(user)s: %(users)s.", user=user, users=users or env._("the client only")
    )
