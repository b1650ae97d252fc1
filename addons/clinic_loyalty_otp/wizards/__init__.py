from . import loyalty_redeem_wizard
from . import loyalty_otp_phone_wizard
