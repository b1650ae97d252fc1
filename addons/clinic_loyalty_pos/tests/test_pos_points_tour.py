from odoo.tests import tagged

from . import test_pos_tour
from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosPointsTour(OtpPosCommon):
    """In a real browser: the client list and the order screen show the
    balance, the receipt the points spent, earned tonight and the balance
    after the sale; the nightly accrual agrees."""

    # The SMS of a tour are sent on commit: the OTP tours' runner.
    start_otp_tour = test_pos_tour.TestPosTour.start_otp_tour
    last_order = test_pos_tour.TestPosTour.last_order

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grooming.product_tmpl_id.with_company(cls.company).loyalty_eligible = True

    def test_balance_in_client_list_and_points_on_receipt(self):
        self.start_otp_tour("clinic_loyalty_pos_points_receipt")
        order = self.last_order()
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.account.balance, 60)
        self.env["clinic.loyalty.accrual"]._run_accrual()
        self.assertEqual(self.account.balance, 63, "the receipt's 3 points, earned at night")
