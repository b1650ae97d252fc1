"""The one-time code itself, apart from any model (as ``auth_totp`` keeps its
algorithm apart from ``res.users``): draw a code, keep only its HMAC, compare
in constant time, and mask what staff may see of a number or a message."""

import secrets

from odoo.tools import consteq, float_compare
from odoo.tools.misc import hmac

DIGITS = 6
HMAC_SCOPE = "clinic_loyalty_otp"
MASK = "•"


def generate_code():
    """A fresh code of ``DIGITS`` digits from the system's secure source."""
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def hash_code(env, challenge_id, code):
    """The HMAC kept instead of ``code``, bound to one challenge (keyed by
    the database secret, read through ``env``)."""
    return hmac(env(su=True), HMAC_SCOPE, f"{challenge_id}:{code}")


def check_code(env, challenge_id, given, code_hash):
    """Whether ``given`` (spaces ignored) is the code hashed as ``code_hash``."""
    given = "".join(str(given or "").split())
    if not (given.isdigit() and len(given) == DIGITS):
        return False
    return consteq(hash_code(env, challenge_id, given), code_hash or "")


def mask_phone(phone):
    """``phone`` with all but its first and last three characters hidden."""
    phone = phone or ""
    return phone[:3] + MASK * max(len(phone) - 6, 0) + phone[-3:]


def mask_secret(text, secret):
    """``text`` with ``secret`` hidden (what may be written to the database)."""
    return text.replace(secret, MASK * len(secret)) if secret else text


def binds(challenge, account, points, user, *, value=None, pos_order_uid=None, origin_ref=None, partner=None):
    """Whether ``challenge`` was verified for exactly this spending: its
    account, points, cashier and number, and each of value, sale reference,
    back-office reference and client that is given."""
    rounding = challenge.currency_id.rounding
    return not (
        challenge.account_id != account
        or challenge.points != points
        or challenge.user_id != user
        or (partner is not None and challenge.partner_id != partner.commercial_partner_id)
        or (value is not None and float_compare(value, challenge.value, precision_rounding=rounding))
        or (pos_order_uid is not None and challenge.pos_order_uid != pos_order_uid)
        or (origin_ref is not None and challenge.origin_ref != origin_ref)
        or challenge.phone != account._otp_phone_e164()
    )
