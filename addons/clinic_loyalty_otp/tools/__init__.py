from . import otp_code
from . import otp_messages
from . import otp_notices
from . import otp_numbers
