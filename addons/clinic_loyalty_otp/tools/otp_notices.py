"""What a client's account says to staff and to the client about its number
for codes and its lock (refusals, chatter notes, SMS and emails). Each takes
the environment whose language it is written in."""


def locked(env, client):
    return env._(
        "Redemptions are locked for %(client)s after too many wrong codes: a Loyalty Manager must unlock "
        "the account.",
        client=client,
    )


def locked_note(env):
    return env._(
        "Redemptions locked: too many wrong one-time codes within 24 hours. A Loyalty Manager must unlock "
        "the account."
    )


def held(env, client, until):
    return env._(
        "The mobile for %(client)s's codes changed recently: redemptions are held until %(until)s UTC.",
        client=client,
        until=until,
    )


def hourly(env, client, count):
    return env._(
        "%(count)s codes were already sent to %(client)s in the last hour: take another payment method, or "
        "try again later.",
        client=client,
        count=count,
    )


def short(env, client, balance, what, points):
    return env._(
        "%(client)s has %(balance)s points: %(reward)s needs %(points)s.",
        client=client,
        balance=balance,
        reward=what or env._("this payment"),
        points=points,
    )


def staff_number(env, clinic, number, until):
    """To the client: staff entered the number their codes go to."""
    return env._(
        "%(clinic)s: your loyalty codes will be sent to %(number)s, a number the clinic's staff entered. "
        "Redemptions are held until %(until)s UTC. If this is not your number, contact the clinic.",
        clinic=clinic,
        number=number,
        until=until,
    )


def untold(env, number):
    """Chatter: a typed number nobody can be told of is not used."""
    return env._(
        "Staff entered %(number)s as the client's number, and the client has no other number or email to be "
        "told on: codes are not sent to it until a Loyalty Manager confirms a number with “Change mobile for "
        "codes”.",
        number=number,
    )


def owner_changed(env, clinic):
    return env._(
        "%(clinic)s: who your loyalty account belongs to was changed; redemptions are held 24 hours. If you "
        "did not ask for this, contact the clinic.",
        clinic=clinic,
    )


def number_changed_note(env, old, new, user, until):
    return env._(
        "Mobile for codes changed from %(old)s to %(new)s by %(user)s: redemptions are held until %(until)s "
        "UTC.",
        old=old or env._("none"),
        new=new,
        user=user,
        until=until,
    )


def number_changed(env, clinic):
    """To the client (their previous number, or their email)."""
    return env._(
        "%(clinic)s: the mobile number used for your loyalty codes was changed. If you did not ask for this, "
        "contact the clinic.",
        clinic=clinic,
    )


def invalid_number(env, number, client):
    return env._(
        "%(number)s is not a valid mobile number for %(client)s: correct the client's mobile (with the "
        "country code if it is abroad) before sending a code.",
        number=number or env._("(no number)"),
        client=client,
    )


def no_number(env, client):
    return env._(
        "%(client)s has no mobile registered for loyalty codes: a Loyalty Manager sets it with “Change "
        "mobile for codes” (redemptions are then held 24 hours).",
        client=client,
    )
