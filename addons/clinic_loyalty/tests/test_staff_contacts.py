"""Staff contacts: no client is filed under a member of staff's contact
(whatever the rights), and what staff earn on their own contact is recorded
as a staff purchase on the ledger."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestStaffContacts(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier = cls._new_user("staff_cashier", "employee", cls.clinic, "base.group_partner_manager")
        cls.manager = cls._new_user("staff_manager", "manager", cls.clinic, "base.group_partner_manager")

    def test_nobody_files_a_contact_under_a_staff_contact(self):
        staff = self.cashier.partner_id
        for user in (self.cashier, self.manager):
            Partner = self.env["res.partner"].with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                Partner.browse(self.client_a.id).write({"parent_id": staff.id})
            with self.assertRaises(AccessError, msg=user.login):
                Partner.create({"name": "New client", "parent_id": staff.id})
        self.assertFalse(self.client_a.parent_id)
        # Filing under a client's company stays possible.
        self.client_b.with_user(self.manager).parent_id = self.farm
        self.assertEqual(self.client_b.commercial_partner_id, self.farm)

    def test_staff_purchase_is_recorded(self):
        self._paid_invoice(self.cashier.partner_id, [(self.consultation, 30.0)])
        self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        staff_entry = self._entries(self.cashier.partner_id)
        client_entry = self._entries(self.client_a)
        self.assertEqual((staff_entry.points, staff_entry.staff_purchase), (3, True))
        self.assertEqual((client_entry.points, client_entry.staff_purchase), (3, False))
