"""A dishonest Billing user (Odoo's Invoicing rights, Contact Creation)
moving a client's paid invoice, or its lines, to earn on it: refused on a
posted customer document whatever the context; Odoo's correcting flow
(reset to draft, edit, post again) keeps the points on the account that
earned them."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestInvoiceFrozen(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._new_user(
            "frozen_billing",
            "employee",
            cls.clinic,
            "account.group_account_invoice",
            "base.group_partner_manager",
        )

    def assertRefused(self, attacks):
        for name, attack in attacks:
            with self.assertRaises(UserError, msg=name):  # AccessError is a UserError
                attack()

    def test_posted_invoice_keeps_its_client_and_lines(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 100.0)])
        mine = self.billing.partner_id
        as_billing = invoice.with_user(self.billing).with_context(skip_readonly_check=True)
        line = as_billing.invoice_line_ids
        self.assertRefused(
            [
                ("partner", lambda: as_billing.write({"partner_id": mine.id})),
                ("commercial partner", lambda: as_billing.write({"commercial_partner_id": mine.id})),
                (
                    "lines through the move",
                    lambda: as_billing.write(
                        {"invoice_line_ids": [Command.update(line.id, {"price_unit": 100000.0})]}
                    ),
                ),
                ("line price", lambda: line.write({"price_unit": 100000.0})),
                ("line balance", lambda: line.write({"balance": -100000.0})),
                ("line quantity", lambda: line.write({"quantity": 1000.0})),
                ("line partner", lambda: line.write({"partner_id": mine.id})),
                (
                    "new line",
                    lambda: self.env["account.move.line"]
                    .with_user(self.billing)
                    .with_context(skip_readonly_check=True, check_move_validity=False)
                    .create({"move_id": invoice.id, "product_id": self.vaccine.id, "price_unit": 1000.0}),
                ),
                ("line deleted", lambda: line.with_context(force_delete=True).unlink()),
                ("engine marks", lambda: as_billing.write({"loyalty_points": 0, "loyalty_seq": 9})),
            ]
        )
        self.env.invalidate_all()
        self.assertEqual((invoice.partner_id, invoice.amount_untaxed), (self.client_a, 100.0))
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 10)
        self.assertFalse(self._account(mine))

    def test_reset_edited_and_reposted_earns_on_the_account_that_earned(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 100.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 10)
        # Odoo's correcting flow: reset to draft, edit, post and pay again.
        as_billing = invoice.with_user(self.billing)
        as_billing.button_draft()
        as_billing.write(
            {
                "partner_id": self.billing.partner_id.id,
                "invoice_line_ids": [Command.update(invoice.invoice_line_ids.id, {"price_unit": 200.0})],
            }
        )
        as_billing.action_post()
        self._pay(invoice)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 20, "re-evaluated on the account that earned")
        self.assertFalse(self._account(self.billing.partner_id))
