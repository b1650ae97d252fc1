from . import test_accrual
from . import test_install
from . import test_adjustment
from . import test_eligible_items
from . import test_settings
from . import test_reward_request
from . import test_portal
