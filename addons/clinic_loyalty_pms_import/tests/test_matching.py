from odoo.tests import tagged

from .common import PmsCommon


@tagged("post_install", "-at_install")
class TestMatching(PmsCommon):
    def test_by_stored_pms_id_first(self):
        ref = self.Ref.sudo().create(
            {
                "profile_id": self.generic.id,
                "company_id": self.clinic.id,
                "external_id": "P-9",
                "partner_id": self.bob.id,
            }
        )
        # The phone and email point at Alice, but the stored PMS id wins.
        self.import_rows(
            self.generic, ["I1,2026-03-01,,P-9,Whoever,+14155550101,alice@example.com,EXAM,,1,30,"]
        )
        self.assertEqual(self.Invoice.search([("name", "=", "I1")]).partner_id, self.bob)
        self.assertEqual(ref.match_method, False)

    def test_by_phone_e164(self):
        self.import_rows(self.generic, ["I1,2026-03-01,,P-1,A,415 555 0101,,EXAM,,1,30,"])
        ref = self.Ref.search([("external_id", "=", "P-1")])
        self.assertEqual((ref.partner_id, ref.match_method), (self.alice, "phone"))
        # Once matched, the id is enough: a later row with other contact details stays with Alice.
        self.import_rows(self.generic, ["I2,2026-03-02,,P-1,A,,carol@example.com,EXAM,,1,30,"])
        self.assertEqual(self.Invoice.search([("name", "=", "I2")]).partner_id, self.alice)

    def test_by_email(self):
        self.import_rows(self.generic, ["I1,2026-03-01,,P-2,C,,  CAROL@example.COM,EXAM,,1,30,"])
        ref = self.Ref.search([("external_id", "=", "P-2")])
        self.assertEqual((ref.partner_id, ref.match_method), (self.carol, "email"))

    def test_contact_person_earns_on_commercial_partner(self):
        firm = self.env["res.partner"].create({"name": "Farm Ltd", "is_company": True})
        self.env["res.partner"].create(
            {"name": "Farm contact", "parent_id": firm.id, "email": "farm@example.com"}
        )
        self.import_rows(self.generic, ["I1,2026-03-01,,P-3,F,,farm@example.com,EXAM,,1,30,"])
        self.accrue()
        self.assertEqual(self.balance(firm), 3)

    def test_ambiguous_phone_goes_to_queue(self):
        self.env["res.partner"].create(
            [{"name": "Twin 1", "phone": "415-555-0199"}, {"name": "Twin 2", "mobile": "+1 415 555 0199"}]
        )
        log = self.import_rows(self.generic, ["I1,2026-03-01,,P-4,Twin,4155550199,,EXAM,,1,30,"])
        ref = self.Ref.search([("external_id", "=", "P-4")])
        self.assertFalse(ref.partner_id)
        self.assertIn("2 clients", ref.match_note)
        self.assertEqual(log.unmatched_count, 1)

    def test_ambiguous_phone_resolved_by_email(self):
        self.env["res.partner"].create(
            [
                {"name": "Twin 1", "phone": "415-555-0199"},
                {"name": "Twin 2", "phone": "415-555-0199", "email": "t2@example.com"},
            ]
        )
        self.import_rows(self.generic, ["I1,2026-03-01,,P-4,Twin,4155550199,t2@example.com,EXAM,,1,30,"])
        self.assertEqual(self.Ref.search([("external_id", "=", "P-4")]).partner_id.name, "Twin 2")

    def test_no_match_and_other_clinic_partner_ignored(self):
        other = self.env["res.company"].create({"name": "Other clinic"})
        self.env["res.partner"].create(
            {"name": "Elsewhere", "email": "else@example.com", "company_id": other.id}
        )
        self.import_rows(self.generic, ["I1,2026-03-01,,P-5,E,,else@example.com,EXAM,,1,30,"])
        ref = self.Ref.search([("external_id", "=", "P-5")])
        self.assertFalse(ref.partner_id)
        self.assertEqual(ref.match_note, "No client has this phone or email.")

    def test_unmatched_queue_link_then_accrue(self):
        self.import_rows(
            self.generic,
            [
                "I1,2026-03-01,,P-6,New client,,new@example.com,EXAM,,1,70,",
                "I2,2026-03-02,,P-6,New client,,new@example.com,VAC,,1,40,",
            ],
        )
        self.assertEqual(self.accrue(), 0, "unmatched invoices wait, nothing is dropped")
        ref = self.Ref.search([("external_id", "=", "P-6")])
        self.assertEqual(ref.invoice_count, 2)
        self.assertEqual(self.generic.unmatched_count, 1)
        ref.partner_id = self.carol
        self.assertEqual(ref.match_method, "manual")
        self.assertEqual(self.accrue(), 2)
        self.assertEqual(self.balance(self.carol), 11)
        self.generic.invalidate_recordset(["unmatched_count"])
        self.assertEqual(self.generic.unmatched_count, 0)
        self.assertBooksHold()

    def test_unmatched_queue_create_partner(self):
        self.import_rows(
            self.generic, ["I1,2026-03-01,,P-7,Dana New,+1 650 555 0123,dana@example.com,EXAM,,1,50,"]
        )
        ref = self.Ref.search([("external_id", "=", "P-7")])
        ref.action_create_partner()
        self.assertEqual((ref.partner_id.name, ref.partner_id.email), ("Dana New", "dana@example.com"))
        self.assertEqual(ref.partner_id.company_id, self.clinic)
        self.accrue()
        self.assertEqual(self.balance(ref.partner_id), 5)
        # Another matching later finds her by the stored id, not by creating a new ref.
        self.import_rows(self.generic, ["I2,2026-03-05,,P-7,Dana New,,,EXAM,,1,20,"])
        self.assertEqual(self.Invoice.search([("name", "=", "I2")]).partner_id, ref.partner_id)

    def test_unmatched_retried_on_next_import(self):
        self.import_rows(self.generic, ["I1,2026-03-01,,P-8,Late,,late@example.com,EXAM,,1,50,"])
        late = self.env["res.partner"].create({"name": "Late", "email": "late@example.com"})
        self.import_rows(self.generic, ["I2,2026-03-02,,P-8,Late,,late@example.com,EXAM,,1,20,"])
        self.assertEqual(self.Ref.search([("external_id", "=", "P-8")]).partner_id, late)
        self.accrue()
        self.assertEqual(self.balance(late), 7)
