"""The one phone normaliser of the clinic addons: Odoo's own (``phone_validation``).

The number codes are sent to (``clinic_loyalty_otp``) and the numbers PMS
clients are matched on (``clinic_loyalty_pms_import``) are read the same way.
"""

from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools.phone_validation import phone_format


def phone_e164(number, country_code):
    """``number`` in E.164, read in ``country_code`` (ISO code, may be empty)
    when it is national; None when it is not a valid number."""
    if not number:
        return None
    try:
        return phone_format(number, country_code or None, None, force_format="E164")
    except UserError:
        return None
