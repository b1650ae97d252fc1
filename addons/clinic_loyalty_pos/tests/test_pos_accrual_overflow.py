"""An old POS order whose stored figures are far too large (a bad row, as
written straight to the tables) never stops the accrual of the others."""

from uuid import uuid4

from odoo.tests import tagged
from odoo.tools import SQL

from .common import OtpPosCommon


@tagged("post_install", "-at_install")
class TestPosAccrualOverflow(OtpPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_earning_shop()

    def cash_order(self, partner):
        return self.sync(self.payload(str(uuid4()), partner, [(self.cash_method, 50.0, None)]))

    def test_huge_pos_line_is_set_aside_the_other_order_earns(self):
        bad = self.cash_order(self.client)
        good = self.cash_order(self.client)
        self.env.flush_all()
        huge = 1e12  # 1e11 points at 1 point per 10.00
        self.env.cr.execute(
            SQL(
                "UPDATE pos_order_line SET price_subtotal = %s, price_subtotal_incl = %s WHERE order_id = %s",
                huge,
                huge,
                bad.id,
            )
        )
        self.env.cr.execute(
            SQL("UPDATE pos_order SET amount_total = %s, amount_paid = %s WHERE id = %s", huge, huge, bad.id)
        )
        self.env.cr.execute(SQL("UPDATE pos_payment SET amount = %s WHERE pos_order_id = %s", huge, bad.id))
        self.env.invalidate_all()
        self.env["clinic.loyalty.accrual"]._run_accrual()
        self.assertEqual((good.loyalty_synced, good.loyalty_points), (True, 5))
        self.assertEqual(self.account.balance, 105)
        self.assertFalse(bad.loyalty_synced)
        failure = self.env["clinic.loyalty.accrual.failure"].search(
            [("res_model", "=", "pos.order"), ("res_id", "=", bad.id)]
        )
        self.assertEqual(failure.state, "open")
        self.assertIn("points", failure.reason)
