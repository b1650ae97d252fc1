from . import loyalty_deferral
from . import phone
from . import accrual_points
from . import points_payment
