from . import test_otp_challenge
from . import test_otp_limits
from . import test_otp_number
from . import test_pos_order
from . import test_pos_tour
from . import test_redeem_wizard
from . import test_pos_insider
from . import test_otp_insider
