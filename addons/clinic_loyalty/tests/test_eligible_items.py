from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import LoyaltyBuilders


@tagged("post_install", "-at_install")
class TestEligibleItems(LoyaltyBuilders, TransactionCase):
    """The eligible items screen: one checkbox per billing code, and 'Enable
    all' that never includes sensitive services."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env["res.company"].create({"name": "Items clinic"})
        # Eligibility is per clinic: this class looks at the items from its clinic.
        cls.env = cls.env["base"].with_company(cls.clinic).env
        cls.manager = cls._new_user("items_manager", "manager", cls.clinic)
        cls.user = cls._new_user("items_desk", "front_desk", cls.clinic)
        Product = cls.env["product.template"]
        # The clinic's catalogue is exactly what this class creates: the items
        # other modules ship for every company are not sold nor sensitive.
        Product.search([("company_id", "in", (cls.clinic.id, False))]).write(
            {"sale_ok": False, "loyalty_sensitive": False}
        )
        values = {"type": "service", "company_id": cls.clinic.id}
        cls.consultation = Product.create({"name": "Consultation", "default_code": "C-01", **values})
        cls.vaccine = Product.create({"name": "Vaccine", "default_code": "V-01", **values})
        cls.euthanasia = Product.create(
            {"name": "Euthanasia", "default_code": "E-01", "loyalty_sensitive": True, **values}
        )
        cls.cremation = Product.create(
            {"name": "Cremation", "default_code": "E-02", "loyalty_sensitive": True, **values}
        )
        cls.shared_trim = Product.create({"name": "Nail trim (every clinic)", "type": "service"})
        cls.shared_autopsy = Product.create(
            {"name": "Autopsy (every clinic)", "type": "service", "loyalty_sensitive": True}
        )
        cls.elsewhere = Product.create(
            {
                "name": "Other clinic's consultation",
                "type": "service",
                "company_id": cls.env.ref("base.main_company").id,
            }
        )

    def test_default_not_eligible(self):
        self.assertFalse(self.consultation.loyalty_eligible)

    def test_enable_all_skips_sensitive(self):
        action = (
            self.env["product.template"]
            .with_user(self.manager)
            .with_company(self.clinic)
            .action_loyalty_enable_all()
        )
        self.assertTrue(self.consultation.loyalty_eligible)
        self.assertTrue(self.vaccine.loyalty_eligible)
        self.assertFalse(self.euthanasia.loyalty_eligible)
        self.assertFalse(self.cremation.loyalty_eligible)
        self.assertFalse(
            self.elsewhere.with_company(self.elsewhere.company_id).loyalty_eligible,
            "another clinic's items are not touched",
        )
        # Items shared by every company are the clinic's items too.
        self.assertTrue(self.shared_trim.loyalty_eligible)
        self.assertFalse(self.shared_autopsy.loyalty_eligible)
        self.assertEqual(
            action["params"]["message"],
            "3 items now earn points; 3 sensitive items were left out and can only be enabled one by one.",
        )
        # A sensitive item is enabled one by one, deliberately.
        self.euthanasia.with_user(self.manager).write({"loyalty_eligible": True})
        self.assertTrue(self.euthanasia.loyalty_eligible)
        self.assertFalse(self.cremation.loyalty_eligible)

    def test_enable_all_is_manager_only(self):
        with self.assertRaises(AccessError):
            self.env["product.template"].with_user(self.user).with_company(
                self.clinic
            ).action_loyalty_enable_all()
        with self.assertRaises(AccessError):
            self.consultation.with_user(self.user).write({"loyalty_eligible": True})
        self.assertFalse(self.consultation.loyalty_eligible)

    def test_manager_without_product_rights_only_loyalty_flags(self):
        self.assertFalse(self.manager.has_group("product.group_product_manager"))
        self.vaccine.with_user(self.manager).write({"loyalty_eligible": True, "loyalty_sensitive": True})
        self.assertTrue(self.vaccine.loyalty_eligible and self.vaccine.loyalty_sensitive)
        # The shortcut covers the loyalty flags only, never the rest of the item.
        with self.assertRaises(AccessError):
            self.vaccine.with_user(self.manager).write({"loyalty_eligible": False, "list_price": 0.0})
        # ...and only items of the clinics the manager works for.
        with self.assertRaises(AccessError):
            self.elsewhere.with_user(self.manager).write({"loyalty_eligible": True})
        self.assertFalse(self.elsewhere.loyalty_eligible)

    def test_product_manager_needs_loyalty_rights_for_flags(self):
        catalogue = self._new_user(
            "items_catalogue", "employee", self.clinic, "product.group_product_manager"
        )
        self.consultation.with_user(catalogue).write({"name": "General consultation"})
        self.consultation.with_user(catalogue).write({})
        self.assertEqual(self.consultation.name, "General consultation")
        for flag in ("loyalty_eligible", "loyalty_sensitive"):
            with self.assertRaises(AccessError):
                self.consultation.with_user(catalogue).write({flag: True})
        self.assertFalse(self.consultation.loyalty_eligible or self.consultation.loyalty_sensitive)
        # Nor can they create an item that already earns points.
        with self.assertRaises(AccessError):
            self.env["product.template"].with_user(catalogue).create(
                {"name": "Dental", "loyalty_eligible": True}
            )
        plain = self.env["product.template"].with_user(catalogue).create({"name": "Dental"})
        self.assertFalse(plain.loyalty_eligible)


@tagged("post_install", "-at_install")
class TestEligibleItemsScreen(LoyaltyBuilders, HttpCase):
    """The screen a Loyalty Manager uses, in a real browser: billing codes,
    one toggle per item, the filters, and 'Enable all' that warns first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The lowest rights: a Loyalty Manager without Odoo's product rights
        # still gets working toggles (the list is editable, write() lets the
        # loyalty flags through).
        cls.manager = cls._new_user("items_screen_mgr", "manager", cls.env.company)
        Product = cls.env["product.template"]
        values = {"type": "service", "company_id": cls.env.company.id}
        cls.vaccine = Product.create({"name": "Screen vaccine", "default_code": "SCR-V", **values})
        cls.cremation = Product.create(
            {"name": "Screen cremation", "default_code": "SCR-C", "loyalty_sensitive": True, **values}
        )

    def test_tour_toggle_filter_and_enable_all_warning(self):
        self.start_tour(
            "/odoo/action-clinic_loyalty.product_template_action_loyalty_items",
            "eligible_items_tour",
            login="items_screen_mgr",
        )
        self.assertFalse(self.manager.has_group("product.group_product_manager"))
        self.assertTrue(self.vaccine.loyalty_eligible, "the toggle was saved")
        self.assertFalse(self.cremation.loyalty_eligible, "'Enable all' was cancelled")
