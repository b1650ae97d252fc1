from . import pos_earning_sql
from . import pos_guard
