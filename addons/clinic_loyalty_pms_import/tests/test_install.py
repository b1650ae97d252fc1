from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_presets_menus_cron(self):
        presets = self.env["clinic.loyalty.pms.preset"].search([])
        self.assertTrue({"cornerstone", "avimark", "impromed", "generic"} <= set(presets.mapped("pms")))
        for xmlid in (
            "pms_client_ref_menu_unmatched",
            "pms_profile_menu",
            "pms_upload_menu",
            "pms_invoice_menu",
        ):
            self.assertTrue(self.env.ref(f"clinic_loyalty_pms_import.{xmlid}").parent_id)
        cron = self.env.ref("clinic_loyalty_pms_import.ir_cron_pms_import")
        accrual = self.env.ref("clinic_loyalty.ir_cron_loyalty_accrual")
        self.assertTrue(cron.active)
        self.assertLess(cron.nextcall.time(), accrual.nextcall.time(), "import must run before the accrual")
        self.assertIn("clinic.loyalty.pms.invoice", self.env["clinic.loyalty.accrual"]._accrual_sources())
        self.assertIn("account.move", self.env["clinic.loyalty.accrual"]._accrual_sources())

    def test_preset_fills_profile(self):
        preset = self.env.ref("clinic_loyalty_pms_import.pms_preset_impromed")
        profile = self.env["clinic.loyalty.pms.profile"].create({"name": "P", "preset_id": preset.id})
        self.assertEqual((profile.pms, profile.delimiter, profile.col_amount), ("impromed", "", "ExtPrice"))
        # Presets are editable data: a clinic adjusting one keeps its change on upgrade (noupdate).
        self.assertTrue(
            self.env["ir.model.data"]
            .search([("module", "=", "clinic_loyalty_pms_import"), ("name", "=", "pms_preset_impromed")])
            .noupdate
        )

    def test_views_and_actions_open(self):
        shipped_views = {
            "clinic.loyalty.pms.preset": ("list", "form"),
            "clinic.loyalty.pms.profile": ("list", "form"),
            "clinic.loyalty.pms.import": ("list", "form"),
            "clinic.loyalty.pms.invoice": ("list", "form", "search"),
            "clinic.loyalty.pms.client.ref": ("list", "search"),
        }
        for model, view_types in shipped_views.items():
            views = self.env[model].get_views([(False, view_type) for view_type in view_types])["views"]
            for view_type in view_types:
                # Odoo builds a default view (id False) for a model that has none.
                view_id = views[view_type]["id"]
                shipped = self.env["ir.ui.view"].browse(view_id).get_external_id().get(view_id, "")
                self.assertTrue(
                    shipped.startswith("clinic_loyalty_pms_import."), f"{model} {view_type}: {shipped}"
                )
        # The profile form fills a profile's format from the preset chosen on it.
        preset = self.env.ref("clinic_loyalty_pms_import.pms_preset_avimark")
        with Form(self.env["clinic.loyalty.pms.profile"]) as form:
            form.name = "Avimark at the front desk"
            form.preset_id = preset
            self.assertEqual(form.pms, "avimark")
            self.assertEqual((form.col_invoice, form.delimiter), (preset.col_invoice, preset.delimiter))
        self.assertEqual(form.record.col_invoice, preset.col_invoice)
        self.assertIn(
            "file",
            self.env["clinic.loyalty.pms.upload"].get_views([(False, "form")])["models"][
                "clinic.loyalty.pms.upload"
            ]["fields"],
        )
        profile = self.env["clinic.loyalty.pms.profile"].create({"name": "P", "col_invoice": "inv"})
        self.assertEqual(profile.action_open_upload()["context"], {"default_profile_id": profile.id})
        self.assertIn(("profile_id", "=", profile.id), profile.action_open_unmatched()["domain"])
        ref = self.env["clinic.loyalty.pms.client.ref"].create(
            {"profile_id": profile.id, "company_id": profile.company_id.id, "external_id": "X"}
        )
        self.assertEqual(ref.action_open_invoices()["domain"], [("client_ref_id", "=", ref.id)])
