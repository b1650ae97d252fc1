from lxml import etree

from odoo.tests import TransactionCase, tagged

from odoo.addons.clinic_loyalty.models.loyalty_settings import PROGRAMME_FIELDS


@tagged("post_install", "-at_install")
class TestSettingsHelp(TransactionCase):
    """Both settings screens explain each programme field, in one wording."""

    def test_every_programme_field_has_help(self):
        settings = self.env["clinic.loyalty.settings"]
        company = self.env["res.company"]
        for name in PROGRAMME_FIELDS:
            self.assertTrue(settings._fields[name].help, f"{name} has no help on the loyalty settings page")
            if company._fields[name].help:
                self.assertEqual(settings._fields[name].help, company._fields[name].help, name)

    def test_earning_mode_help_gives_the_example(self):
        help_text = self.env["clinic.loyalty.settings"]._fields["loyalty_earning_mode"].help
        self.assertIn("15 + 15", help_text)
        self.assertIn("Per transaction", help_text)
        self.assertIn("Total customer spend", help_text)

    def test_odoo_settings_start_date_help_matches_the_field(self):
        """Odoo Settings said "Leave empty to count every paid invoice" while
        the field said the opposite: both now state the one rule."""
        view = self.env.ref("clinic_loyalty.res_config_settings_view_form")
        arch = etree.fromstring(view.arch_db.encode())
        [setting] = arch.xpath("//setting[@id='loyalty_start_date_setting']")
        self.assertEqual(setting.get("help"), self.env["res.company"]._fields["loyalty_start_date"].help)
        self.assertNotIn("every paid invoice", setting.get("help"))

    def test_books_method_help_on_both_methods(self):
        """The settings page explains both methods, in the clinic's wording."""
        settings = self.env["clinic.loyalty.settings"]
        company = self.env["res.company"]
        for name in ("loyalty_books_method", "loyalty_redemption_rate"):
            self.assertEqual(settings._fields[name].help, company._fields[name].help, name)
        help_text = settings._fields["loyalty_books_method"].help
        self.assertIn("Provision at face value", help_text)
        self.assertIn("Deferred revenue (IFRS 15", help_text)
        self.assertIn("100 × 8 / 108 = 7.41", help_text)
        self.assertEqual(
            dict(company._fields["loyalty_books_method"].selection),
            {
                "provision": "Provision at face value",
                "deferral": "Deferred revenue (IFRS 15 / FRS 102 from 2026)",
            },
        )
        arch = self.env.ref("clinic_loyalty.loyalty_settings_view_form").arch_db
        self.assertIn('name="loyalty_books_method"', arch)
        self.assertIn('name="loyalty_redemption_rate"', arch)
