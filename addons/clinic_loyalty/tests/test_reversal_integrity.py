"""Points earned again after a reversal, tried by a Billing user (base.group_user
+ Contact Creation + Billing): a credit note posted, then reset to draft and
cancelled, gives the invoice its points back with the expiry dates they had,
never as a new lot with a full new life."""

from odoo.tests import new_test_user, tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestReversalIntegrity(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env(su=True),
            login="reversal_billing",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=cls.clinic.id,
        )
        cls.Lot = cls.env["clinic.loyalty.lot"]
        cls.clinic.loyalty_expiry_months = 6

    def credit_note(self, invoice):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "booked by mistake"})
        )
        wizard.refund_moves()
        credit_note = wizard.new_move_ids.with_user(self.billing)
        credit_note.action_post()
        return credit_note

    def lots(self, partner):
        return self.Lot.search([("account_id", "=", self._account(partner).id)])

    def test_credit_note_cancelled_gives_the_points_back_with_their_dates(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 100.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 10)
        earned = self.lots(self.client_a)
        self.assertEqual(len(earned), 1)
        six_months = earned.expiry_date
        # a later, longer rule must not give these points a new life
        self.clinic.loyalty_expiry_months = 24
        credit_note = self.credit_note(invoice)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)
        credit_note.button_draft()
        credit_note.button_cancel()
        self.assertEqual(credit_note.state, "cancel")
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 10, "the invoice earns again")
        live = self.lots(self.client_a).filtered(lambda lot: lot.remaining)
        self.assertEqual(sum(live.mapped("remaining")), 10)
        self.assertEqual(set(live.mapped("expiry_date")), {six_months}, "with the expiry date they had")
        # and once: a second round gives back what was taken, nothing more
        second = self.credit_note(invoice)
        self._accrue()
        second.button_draft()
        second.button_cancel()
        self._accrue()
        live = self.lots(self.client_a).filtered(lambda lot: lot.remaining)
        self.assertEqual(self._balance(self.client_a), 10)
        self.assertEqual(set(live.mapped("expiry_date")), {six_months})

    def test_first_earning_is_a_new_lot(self):
        self._paid_invoice(self.client_a, [(self.consultation, 100.0)])
        self._accrue()
        lot = self.lots(self.client_a)
        self.assertFalse(lot.restored_entry_id)
        self.assertTrue(lot.expiry_date)
