from . import otp_code
from . import otp_messages
