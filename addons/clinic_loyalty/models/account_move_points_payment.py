"""The entry of a points payment spends the points when posted and gives them
back when it leaves the posted state or is reversed, whatever button does it
(payment or journal entry). See ``account_payment_points.py``."""
# One idea per file (account_move.py is the accrual source):
# pylint: disable=consider-merging-classes-inherited

from odoo import models

from .account_payment_points import BOOKED_ELSEWHERE


class AccountMove(models.Model):
    _inherit = "account.move"

    def _loyalty_points_payments(self):
        return self.origin_payment_id.filtered(lambda p: p._loyalty_is_points_payment())

    def _post(self, soft=True):
        if not BOOKED_ELSEWHERE.get():
            for payment in self.filtered(lambda m: m.state == "draft")._loyalty_points_payments():
                payment._loyalty_spend()
        return super()._post(soft=soft)

    def button_draft(self):
        payments = self.filtered(lambda m: m.state == "posted")._loyalty_points_payments()
        res = super().button_draft()
        for payment in payments:
            payment._loyalty_give_back()
        return res

    # "Reverse Entry" on a points payment's entry gives the points back when
    # the reversal is posted, not before (a reversal dated later is a draft
    # that could be deleted): see ``account_move_points_journal.py``.
