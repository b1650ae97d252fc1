from . import test_otp_challenge
