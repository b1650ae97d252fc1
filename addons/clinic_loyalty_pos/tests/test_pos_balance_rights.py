"""The client's balance in the POS client list is for POS and loyalty staff only."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.clinic_loyalty_otp.tests.common import OtpCommonMixin


@tagged("post_install", "-at_install")
class TestPosBalanceRights(OtpCommonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    def test_pos_balance_for_pos_and_loyalty_users_only(self):
        employee = self._new_user("cross_employee", "employee", self.company, "base.group_partner_manager")
        with self.assertRaises(AccessError):
            self.client.with_user(employee).read(["loyalty_pos_balance"])
        pos_user = self._new_user("cross_pos_user", "employee", self.company, "point_of_sale.group_pos_user")
        self.assertEqual(
            self.client.with_user(pos_user).read(["loyalty_pos_balance"])[0]["loyalty_pos_balance"], 100
        )
        self.assertEqual(self.client.with_user(self.cashier).loyalty_pos_balance, 100)
        config = self.env["pos.config"].search([("company_id", "=", self.company.id)], limit=1)
        fields = self.env["res.partner"].with_user(pos_user)._load_pos_data_fields(config.id)
        self.assertIn("loyalty_pos_balance", fields)
