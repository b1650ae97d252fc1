from . import loyalty_otp_code_step
from . import loyalty_redeem_wizard
from . import loyalty_otp_phone_wizard
from . import base_partner_merge
from . import account_payment_register_points
