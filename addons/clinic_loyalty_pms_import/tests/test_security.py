import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PmsCommon

CSV = (
    b"invoice_number,date,status,client_id,client_name,phone,email,code,description,quantity,amount,patient\n"
    b"S1,2026-03-01,,P-1,Nobody,,nobody@example.com,EXAM,,1,40,\n"
)


@tagged("post_install", "-at_install")
class TestSecurity(PmsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user("pms_manager", "manager", cls.clinic)
        cls.user = cls._new_user("pms_user", "front_desk", cls.clinic, "base.group_partner_manager")
        cls.other = cls.env["res.company"].create({"name": "Other clinic"})
        cls.other_user = cls._new_user("pms_other", "manager", cls.other)

    def upload(self, user):
        wizard = (
            self.env["clinic.loyalty.pms.upload"]
            .with_user(user)
            .create({"profile_id": self.generic.id, "file": base64.b64encode(CSV), "file_name": "up.csv"})
        )
        wizard.action_import()
        return wizard

    def test_manager_uploads_and_sees_result(self):
        wizard = self.upload(self.manager)
        self.assertEqual(wizard.state, "done")
        self.assertIn("1 invoice lines of 1 invoices imported", wizard.report)
        self.assertFalse(wizard.file, "the upload is not kept in the wizard")

    def test_upload_rejection_shown(self):
        wizard = (
            self.env["clinic.loyalty.pms.upload"]
            .with_user(self.manager)
            .create(
                {
                    "profile_id": self.generic.id,
                    "file": base64.b64encode(b"\x00\x01binary"),
                    "file_name": "x.csv",
                }
            )
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "failed")
        self.assertIn("binary", wizard.report)

    def test_front_desk_cannot_upload_or_configure(self):
        with self.assertRaises(AccessError):
            self.upload(self.user)
        with self.assertRaises(AccessError):
            self.generic.with_user(self.user).write({"delimiter": ";"})
        with self.assertRaises(AccessError):
            self.env["clinic.loyalty.pms.import"].with_user(self.user).search([])

    def test_front_desk_works_the_unmatched_queue(self):
        self.upload(self.manager)
        ref = self.Ref.with_user(self.user).search([("partner_id", "=", False)])
        self.assertEqual(ref.external_id, "P-1")
        with self.assertRaises(AccessError):
            ref.write({"external_id": "hijack"})
        ref.action_create_partner()
        self.assertEqual(ref.partner_id.name, "Nobody")
        self.assertEqual(self.Invoice.search([("name", "=", "S1")]).partner_id, ref.partner_id)
        with self.assertRaises(AccessError):
            self.Invoice.with_user(self.user).search([("name", "=", "S1")]).write({"state": "void"})

    def test_front_desk_cannot_link_or_relink(self):
        self.upload(self.manager)
        ref = self.Ref.search([("external_id", "=", "P-1")])
        with self.assertRaisesRegex(AccessError, "Loyalty Manager"):
            ref.with_user(self.user).partner_id = self.user.partner_id
        self.assertFalse(ref.partner_id)
        ref.with_user(self.manager).partner_id = self.bob
        with self.assertRaisesRegex(AccessError, "Loyalty Manager"):
            ref.with_user(self.user).partner_id = self.carol
        self.assertEqual(ref.partner_id, self.bob)

    def test_never_linked_to_a_user_or_clinic_contact(self):
        self.upload(self.manager)
        ref = self.Ref.search([("external_id", "=", "P-1")])
        colleague = self.user.partner_id
        # Filed under the colleague before contacts could no longer be (clinic_loyalty refuses it now).
        relative = self.env["res.partner"].create({"name": "Cashier's spouse"})
        self.env.cr.execute(
            "UPDATE res_partner SET parent_id = %s WHERE id = %s", [colleague.id, relative.id]
        )
        relative.invalidate_recordset(["parent_id"])
        for partner in (colleague, relative, self.clinic.partner_id):
            with self.assertRaisesRegex(
                UserError, "is the contact of an Odoo user or of a clinic", msg=partner.name
            ):
                ref.with_user(self.manager).partner_id = partner
        self.assertFalse(ref.partner_id)

    def test_matching_never_picks_a_staff_contact(self):
        """A PMS client carrying a cashier's own phone stays unmatched."""
        self.user.partner_id.phone = "+1 415 555 0199"
        self.import_rows(self.generic, ["M1,2026-03-01,,P-50,Fake,415 555 0199,,EXAM,,1,40,"])
        self.assertFalse(self.Ref.search([("external_id", "=", "P-50")]).partner_id)

    def test_wrong_link_is_undone_with_correcting_entries(self):
        self.upload(self.manager)
        ref = self.Ref.search([("external_id", "=", "P-1")])
        ref.with_user(self.manager).partner_id = self.bob
        self.accrue()
        self.assertEqual((self.balance(self.bob), self.balance(self.carol)), (4, 0))
        ref.with_user(self.manager).partner_id = self.carol
        self.assertEqual((self.balance(self.bob), self.balance(self.carol)), (0, 4))
        self.assertEqual(self.Invoice.search([("name", "=", "S1")]).partner_id, self.carol)
        # The engine now follows the new account: a void takes the points back from Carol.
        self.Invoice.search([("name", "=", "S1")]).write({"state": "void"})
        self.accrue()
        self.assertEqual((self.balance(self.bob), self.balance(self.carol)), (0, 0))
        self.assertBooksHold()

    def test_other_clinic_sees_nothing(self):
        self.upload(self.manager)
        for model in (
            "clinic.loyalty.pms.profile",
            "clinic.loyalty.pms.invoice",
            "clinic.loyalty.pms.invoice.line",
            "clinic.loyalty.pms.client.ref",
            "clinic.loyalty.pms.import",
        ):
            self.assertFalse(self.env[model].with_user(self.other_user).search([]), model)
            self.assertTrue(self.env[model].with_user(self.manager).search([]), model)

    def test_cannot_link_partner_of_another_clinic(self):
        self.upload(self.manager)
        stranger = self.env["res.partner"].create({"name": "Stranger", "company_id": self.other.id})
        ref = self.Ref.search([("external_id", "=", "P-1")])
        with self.assertRaisesRegex(UserError, "Choose a client of the same clinic"):
            ref.partner_id = stranger

    def test_linked_contact_cannot_be_moved_or_merged_by_the_desk(self):
        """A contact linked to a PMS client earns from its imported invoices
        before any account exists: the desk cannot re-parent or merge it."""
        self.upload(self.manager)
        ref = self.Ref.search([("external_id", "=", "P-1")])
        ref.with_user(self.manager).partner_id = self.bob
        self.assertFalse(self.env["clinic.loyalty.account"].search([("partner_id", "=", self.bob.id)]))
        holding = self.env["res.partner"].create({"name": "Desk Holdings", "is_company": True})
        with self.assertRaisesRegex(AccessError, "only a Loyalty Manager"), self.env.cr.savepoint():
            self.bob.with_user(self.user).parent_id = holding
        duplicate = self.env["res.partner"].create({"name": "Bob (desk)", "email": self.bob.email})
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.user)
            .create({"partner_ids": [(6, 0, [self.bob.id, duplicate.id])], "dst_partner_id": duplicate.id})
        )
        with self.assertRaisesRegex(AccessError, "only a Loyalty Manager"), self.env.cr.savepoint():
            wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(self.bob.parent_id)
        self.assertEqual(ref.partner_id, self.bob)
        self.accrue()
        self.assertEqual(self.balance(self.bob), 4)

    def test_look_alike_contact_typed_by_the_desk_waits_for_a_manager(self):
        """A cashier creates a contact with a PMS client's email and their
        own mobile before the import: the match waits for a manager, or the
        client's codes would go to the cashier's phone."""
        if "loyalty_number_edited_at" not in self.env["res.partner"]._fields:
            self.skipTest("needs clinic_loyalty_otp's record of typed numbers")
        Partner = self.env["res.partner"].with_user(self.user)
        look_alike = Partner.create(
            {"name": "Nobody", "email": "nobody@example.com", "mobile": "+1 415 555 0177"}
        )
        self.upload(self.manager)
        ref = self.Ref.search([("external_id", "=", "P-1")])
        self.assertFalse(ref.partner_id)
        self.assertIn("staff typed a number for codes", ref.match_note)
        self.assertFalse(self.env["clinic.loyalty.account"].search([("partner_id", "=", look_alike.id)]))
        # A contact the desk typed with the PMS's own number still matches alone.
        typed_right = Partner.create({"name": "Real Client", "mobile": "+1 415 555 0142"})
        self.import_rows(self.generic, ["M2,2026-03-01,,P-51,Real,415 555 0142,,EXAM,,1,40,"])
        self.assertEqual(self.Ref.search([("external_id", "=", "P-51")]).partner_id, typed_right)
