from . import loyalty_spend_source
from . import loyalty_entry
from . import loyalty_account
from . import loyalty_accrual
from . import loyalty_reward
from . import res_company
from . import product_template
from . import account_move
