from . import test_accrual
from . import test_reward_request
from . import test_portal
