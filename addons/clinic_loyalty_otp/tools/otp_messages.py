"""What the cashier and the client read about a one-time code: the SMS, the
state of a challenge, and the refusals that several steps share. Each takes
the environment whose language it is written in."""

from odoo import fields
from odoo.tools import format_amount

from .otp_code import mask_phone


def code_body(env, challenge, code):
    """The SMS carrying ``code``, in ``env``'s language."""
    company = challenge.company_id
    return env._(
        "%(clinic)s: your code to spend %(points)s loyalty points (worth %(value)s) is %(code)s. "
        "It is valid 5 minutes. Give it only to the clinic's staff at the counter.",
        clinic=company.name,
        points=challenge.points,
        value=format_amount(env, challenge.value, company.currency_id),
        code=code,
    )


def state_message(env, challenge):
    """What the cashier is told about ``challenge`` in its current state."""
    if challenge.state == "send_failed":
        return challenge.send_error or env._("The code could not be sent.")
    return {
        "pending": lambda: env._("Sending the code…"),
        "sent": lambda: env._(
            "Code sent to %(phone)s: ask the client to read it.", phone=mask_phone(challenge.phone)
        ),
        "verified": lambda: env._("Code verified."),
        "used": lambda: env._("This code was already used."),
        "expired": lambda: env._("The code expired: send a new one."),
        "dead": lambda: env._("Too many wrong codes: this code is cancelled. Send a new one."),
        "cancelled": lambda: env._("This code was cancelled."),
    }[challenge.state]()


def wrong_code(env, left):
    return env._("Wrong code: %(left)s attempts left. Ask the client to read it again.", left=left)


def account_locked(env):
    return env._(
        "Redemptions are locked for this client after too many wrong codes: a Loyalty "
        "Manager must unlock the account."
    )


def account_locked_now(env):
    return env._(
        "Too many wrong codes for this client: redemptions are locked until a Loyalty "
        "Manager unlocks the account."
    )


def cashier_failures_refusal(env):
    return env._(
        "Too many wrong codes were entered from your login in the last 24 hours: ask a Loyalty Manager, "
        "and take another payment method meanwhile."
    )


def sms_failure(env, failure_type):
    """Why the provider did not send the code (``sms.sms.failure_type``), and
    what to do."""
    if failure_type == "sms_credit":
        return env._(
            "The clinic has no SMS credits left: the code could not be sent. Take "
            "another payment method, and ask an administrator to buy SMS credits."
        )
    if failure_type == "sms_number_format":
        return env._(
            "The client's mobile number cannot receive SMS: take another payment "
            "method and correct the number."
        )
    if failure_type == "sms_acc":
        return env._("The clinic's SMS account is not registered: take another payment method.")
    return env._(
        "The SMS provider did not send the code: take another payment method or try again in a moment."
    )


def public_data(env, challenge, message, can_resend):
    """What the POS and the wizard may see of ``challenge``: never the code
    or its hash. ``message`` replaces the state's own (:func:`state_message`)."""
    now = fields.Datetime.now()
    expires_at = challenge.expires_at
    return {
        "id": challenge.id,
        "state": challenge.state,
        "message": message or state_message(env, challenge),
        "phone": mask_phone(challenge.phone),
        "points": challenge.points,
        "value": challenge.value,
        "expires_in": max(int((expires_at - now).total_seconds()), 0) if expires_at else 0,
        "attempts_left": challenge._otp_attempts_left(),
        "can_resend": can_resend,
        "test_mode": challenge.test_mode,
        "locked": challenge.account_id.otp_locked,
    }


def portal_sms_failure(env, failure_type):
    """Why the client received no code, told to the client on the portal."""
    if failure_type == "sms_number_format":
        return env._(
            "We could not send a code to your phone: the mobile number the clinic has for you cannot "
            "receive SMS. Ask the clinic's desk to correct it."
        )
    return env._(
        "We could not send a code to your phone just now. Try again in a moment, or ask at the clinic's desk."
    )
