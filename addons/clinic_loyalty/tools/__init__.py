from . import phone
from . import points_payment
