from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEligibleItems(TransactionCase):
    """The eligible items screen: one checkbox per billing code, and 'Enable
    all' that never includes sensitive services."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env["res.company"].create({"name": "Items clinic"})
        cls.manager = new_test_user(
            cls.env,
            "items_manager",
            groups="base.group_user,clinic_loyalty.group_loyalty_manager",
            company_id=cls.clinic.id,
            company_ids=[cls.clinic.id],
        )
        cls.user = new_test_user(
            cls.env,
            "items_desk",
            groups="base.group_user,clinic_loyalty.group_loyalty_user",
            company_id=cls.clinic.id,
            company_ids=[cls.clinic.id],
        )
        Product = cls.env["product.template"]
        values = {"type": "service", "company_id": cls.clinic.id}
        cls.consultation = Product.create({"name": "Consultation", "default_code": "C-01", **values})
        cls.vaccine = Product.create({"name": "Vaccine", "default_code": "V-01", **values})
        cls.euthanasia = Product.create(
            {"name": "Euthanasia", "default_code": "E-01", "loyalty_sensitive": True, **values}
        )
        cls.cremation = Product.create(
            {"name": "Cremation", "default_code": "E-02", "loyalty_sensitive": True, **values}
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
        self.assertFalse(self.elsewhere.loyalty_eligible, "another clinic's items are not touched")
        # Shared items (no company) count too: compare with what the clinic sees.
        skipped = self.env["product.template"].search_count(
            [
                ("loyalty_sensitive", "=", True),
                ("loyalty_eligible", "=", False),
                ("company_id", "in", (self.clinic.id, False)),
            ]
        )
        self.assertGreaterEqual(skipped, 2)
        self.assertIn(f"{skipped} sensitive items were left out", action["params"]["message"])
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

    def test_eligible_items_screen(self):
        action = self.env.ref("clinic_loyalty.product_template_action_loyalty_items")
        self.assertEqual(action.res_model, "product.template")
        views = (
            self.env["product.template"]
            .with_user(self.manager)
            .get_views([(action.view_id.id, "list"), (action.search_view_id.id, "search")])["views"]
        )
        arch = views["list"]["arch"]
        self.assertIn('editable="bottom"', arch)
        self.assertRegex(arch, r'name="default_code"[^>]*string="Billing code"')
        self.assertRegex(arch, r'name="loyalty_eligible"(?![^>]*readonly)')
        self.assertRegex(arch, r'name="action_loyalty_enable_all"[^>]*confirm="[^"]*sensitive')
        search = views["search"]["arch"]
        for name in ("filter_eligible", "filter_not_eligible", "filter_sensitive"):
            self.assertIn(name, search)
        eligible_domain = [("loyalty_eligible", "=", True), ("company_id", "=", self.clinic.id)]
        self.consultation.with_user(self.manager).write({"loyalty_eligible": True})
        self.assertEqual(self.env["product.template"].search(eligible_domain), self.consultation)

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
        catalogue = new_test_user(
            self.env,
            "items_catalogue",
            groups="base.group_user,product.group_product_manager",
            company_id=self.clinic.id,
            company_ids=[self.clinic.id],
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
