from . import phone
from . import earning
