from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestAccrualStatusPeriods(ClinicLoyaltyCommon):
    """Off means no points: a document earns only if the programme was Test
    or On on its date, whenever the job runs."""

    def test_off_period_never_earns_after_the_programme_resumes(self):
        with freeze_time("2027-01-10"):
            self.clinic.loyalty_status = "off"
        with freeze_time("2027-01-12"):
            while_off = self._paid_invoice(self.client_a, [(self.consultation, 30.0)], date="2027-01-12")
        with freeze_time("2027-01-15"):
            self.clinic.loyalty_status = "test"
        with freeze_time("2027-01-16"):
            resumed = self._paid_invoice(self.client_a, [(self.consultation, 50.0)], date="2027-01-16")
        # The job runs days later: only the invoice dated while in Test earns.
        with freeze_time("2027-01-20"):
            self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)
        self.assertEqual((while_off.loyalty_synced, while_off.loyalty_points), (True, 0))
        self.assertEqual(resumed.loyalty_points, 5)
        # And never later: a document evaluated again earns nothing either.
        while_off.loyalty_synced = False
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)
        history = self.env["clinic.loyalty.status.change"].search([("company_id", "=", self.clinic.id)])
        self.assertEqual(
            [(h.old_status, h.new_status, str(h.date)) for h in history][-2:],
            [("test", "off", "2027-01-10"), ("off", "test", "2027-01-15")],
        )
        self.assertEqual(history[-1].user_id, self.env.user)

    def test_first_switch_earns_from_that_day_unless_an_earlier_start_date(self):
        before = fields.Date.today() - timedelta(days=14)
        earlier = self._paid_invoice(self.client_a, [(self.consultation, 30.0)], date=before)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0, "dated before the programme was switched on")
        self.assertTrue(earlier.loyalty_synced)
        # A Loyalty Manager sets an earlier programme start: it earns, and it is logged.
        self.clinic.loyalty_start_date = before - timedelta(days=1)
        self.assertFalse(earlier.loyalty_synced, "re-evaluated by the next accrual")
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self.assertIn("loyalty_start_date", self.clinic.partner_id.message_ids[0].body)

    def test_credit_note_after_off_still_reverses(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        with freeze_time(fields.Date.today() + timedelta(days=3)):
            self.clinic.loyalty_status = "off"
        with freeze_time(fields.Date.today() + timedelta(days=5)):
            self._credit_note(invoice)
            self.clinic.loyalty_status = "test"
            self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)


@tagged("post_install", "-at_install")
class TestLoneCreditNote(ClinicLoyaltyCommon):
    def test_lone_credit_note_takes_back_at_the_earning_rate(self):
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)
        lone = self._invoice(
            self.client_a, [(self.consultation, 25.0), (self.pet_food, 40.0)], move_type="out_refund"
        )
        self.assertFalse(lone.reversed_entry_id)
        self.assertFalse(lone.loyalty_synced)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        entry = self._entries(self.client_a)[-1]
        self.assertEqual((entry.kind, entry.points, entry.res_id), ("reversal", -2, lone.id))
        # Reset to draft: the points come back; a replay changes nothing.
        lone.button_draft()
        self._accrue()
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)

    def test_lone_credit_note_lowers_the_total_spend(self):
        self.clinic.loyalty_earning_mode = "total_spend"
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)])
        self._accrue()
        self._invoice(self.client_a, [(self.consultation, 25.0)], move_type="out_refund")
        self._accrue()
        account = self._account(self.client_a)
        self.assertEqual(account.balance, 2, "cumulative spend 25.00 at 10.00 a point")
        self._paid_invoice(self.client_a, [(self.consultation, 5.0)])
        self._accrue()
        self.assertEqual(account.balance, 3, "30.00 in all")


@tagged("post_install", "-at_install")
class TestEligibilityPerClinic(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_b = cls.setup_other_company(name="Clinic B")["company"]
        cls.clinic_b.write({"loyalty_status": "test", "loyalty_spend_per_point": 10.0})
        cls.shared = cls.env["product.template"].create(
            {"name": "Shared nail trim", "type": "service", "company_id": False, "loyalty_eligible": True}
        )
        cls.manager = cls._new_user("per_clinic_mgr", "manager", cls.clinic | cls.clinic_b)

    def test_shared_item_eligible_at_a_only_earns_at_a(self):
        product = self.shared.product_variant_id
        self.assertFalse(self.shared.with_company(self.clinic_b).loyalty_eligible)
        self._paid_invoice(self.client_a, [(product, 30.0)])
        self._paid_invoice(self.client_a, [(product, 30.0)], company=self.clinic_b)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self.assertEqual(self._balance(self.client_a, self.clinic_b), 0)
        # Clinic B chooses it too: from then on it earns there as well.
        self.shared.with_user(self.manager).with_company(self.clinic_b).write({"loyalty_eligible": True})
        self._paid_invoice(self.client_a, [(product, 40.0)], company=self.clinic_b)
        self._accrue()
        self.assertEqual(self._balance(self.client_a, self.clinic_b), 4)
        self.assertTrue(self.shared.loyalty_eligible, "clinic A's choice is its own")

    def test_enable_and_disable_all_act_on_the_filter_and_selection(self):
        Product = self.env["product.template"].with_user(self.manager).with_company(self.clinic_b)
        trim = self.shared.with_user(self.manager).with_company(self.clinic_b)
        # The current filter of the screen (no selection): only what it shows.
        Product.with_context(active_domain=[("name", "=", "Shared nail trim")]).action_loyalty_enable_all()
        self.assertTrue(trim.loyalty_eligible)
        self.assertFalse(self.consultation.product_tmpl_id.with_company(self.clinic_b).loyalty_eligible)
        # A selection, sensitive items never included.
        euthanasia = self.euthanasia.product_tmpl_id.with_user(self.manager).with_company(self.clinic_b)
        self.assertFalse(euthanasia.loyalty_sensitive, "sensitive at clinic A: each clinic flags its own")
        euthanasia.loyalty_sensitive = True
        (trim | euthanasia).action_loyalty_disable_all()
        self.assertFalse(trim.loyalty_eligible)
        (trim | euthanasia).action_loyalty_enable_all()
        self.assertTrue(trim.loyalty_eligible)
        self.assertFalse(euthanasia.loyalty_eligible)
        self.assertTrue(
            self.shared.loyalty_eligible and self.consultation.loyalty_eligible, "clinic A unchanged"
        )

    def test_clinic_ready_needs_its_own_eligible_item(self):
        self.env["clinic.loyalty.reward"].create(
            {"name": "Trim", "points_cost": 5, "company_id": self.clinic_b.id}
        )
        with self.assertRaises(ValidationError):
            self.clinic_b.loyalty_status = "on"
        self.shared.with_company(self.clinic_b).loyalty_eligible = True
        self.clinic_b.loyalty_status = "on"
        self.assertEqual(self.clinic_b.loyalty_status, "on")


@tagged("post_install", "-at_install")
class TestStatusHistoryInsider(ClinicLoyaltyCommon):
    """A front-desk user with Odoo's default rights (Contact Creation
    included) cannot make an Off period earn: the history and the start date
    are not theirs to write, by any ORM call a JSON-RPC client can make."""

    def test_cashier_cannot_rewrite_the_history_nor_the_start_date(self):
        with freeze_time("2027-01-10"):
            self.clinic.loyalty_status = "off"
        with freeze_time("2027-01-12"):
            while_off = self._paid_invoice(self.client_a, [(self.consultation, 30.0)], date="2027-01-12")
        with freeze_time("2027-01-15"):
            self.clinic.loyalty_status = "test"
        desk = self._new_user("status_insider", "front_desk", self.clinic, "base.group_partner_manager")
        History = self.env["clinic.loyalty.status.change"]
        rows = History.search([("company_id", "=", self.clinic.id)])
        before = [(h.old_status, h.new_status, h.date) for h in rows]
        with self.assertRaises(AccessError):
            History.with_user(desk).create(
                {"company_id": self.clinic.id, "new_status": "on", "date": "2027-01-11"}
            )
        with self.assertRaises(AccessError):
            rows.with_user(desk).write({"date": "2027-01-01"})
        with self.assertRaises(AccessError):
            rows.with_user(desk).unlink()
        with self.assertRaises(AccessError):
            self.clinic.with_user(desk).write({"loyalty_start_date": "2027-01-01"})
        with self.assertRaises(AccessError):
            self.env["clinic.loyalty.settings"].with_user(desk).create(
                {"loyalty_start_date": "2027-01-01"}
            ).action_save()
        self.assertEqual([(h.old_status, h.new_status, h.date) for h in rows.exists()], before)
        self.assertFalse(self.clinic.loyalty_start_date)
        with freeze_time("2027-01-20"):
            self._accrue()
        self.assertEqual((while_off.loyalty_synced, while_off.loyalty_points), (True, 0))
