from . import loyalty_deferral
from . import phone
from . import earning
