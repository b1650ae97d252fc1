import ast

from lxml import etree

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

    def test_enable_all_says_how_many_first(self):
        Product = self.env["product.template"].with_user(self.manager).with_company(self.clinic)
        action = Product.action_loyalty_enable_all_confirm()
        wizard = self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"])
        listed = wizard.product_tmpl_ids
        self.assertEqual(listed, self.consultation | self.vaccine | self.shared_trim)
        self.assertEqual(wizard.skipped_count, 3, "euthanasia, cremation, autopsy")
        self.assertIn("3 items will earn points", wizard.summary)
        self.assertIn("3 sensitive items", wizard.summary)
        self.assertFalse(
            self.consultation.with_company(self.clinic).loyalty_eligible, "nothing before Enable"
        )
        # An item flagged sensitive meanwhile is still left out.
        self.vaccine.with_company(self.clinic).sudo().loyalty_sensitive = True
        wizard.action_enable()
        products = (self.consultation | self.vaccine | self.shared_trim | self.euthanasia).with_company(
            self.clinic
        )
        self.assertEqual(products.mapped("loyalty_eligible"), [True, False, True, False])

    def test_sensitive_item_one_by_one(self):
        self.euthanasia.with_user(self.manager).with_company(self.clinic).action_loyalty_enable_sensitive()
        self.assertTrue(self.euthanasia.with_company(self.clinic).loyalty_eligible)
        with self.assertRaises(AccessError):
            self.cremation.with_user(self.user).with_company(self.clinic).action_loyalty_enable_sensitive()

    def test_billing_codes_by_default(self):
        action = self.env.ref("clinic_loyalty.product_template_action_loyalty_items")
        self.assertIn("'search_default_filter_billing_codes': 1", action.context)
        arch = self.env.ref("clinic_loyalty.product_template_view_search_loyalty").arch
        domain = ast.literal_eval(
            etree.fromstring(arch).xpath("//filter[@name='filter_billing_codes']")[0].get("domain")
        )
        desk = self.env["product.template"].create(
            {"name": "Office desk", "default_code": "FURN-1", "type": "consu", "company_id": self.clinic.id}
        )
        shown = self.env["product.template"].search(domain + [("company_id", "in", (self.clinic.id, False))])
        self.assertIn(self.consultation, shown)
        self.assertNotIn(desk, shown, "furniture is not a billing code")
        self.assertNotIn(self.shared_trim, shown, "an item without a billing code is not shown")


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
