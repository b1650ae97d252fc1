from . import test_accrual
