from . import accrual_points
from . import phone
from . import points_payment
