from . import loyalty_adjustment_wizard
from . import loyalty_redeem_wizard
from . import loyalty_request_refuse_wizard
from . import base_partner_merge
from . import account_payment_register_points
from . import loyalty_signal_dismiss_wizard
from . import loyalty_liability_asat
from . import loyalty_enable_items_wizard
