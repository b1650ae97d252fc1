from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestStartDateHelp(TransactionCase):
    """Every screen explains the programme's start date the way the accrual
    applies it: empty counts from the day it was first switched to Test or
    On, not every paid invoice ever."""

    def test_every_start_date_help_says_what_the_code_does(self):
        company_help = self.env["res.company"]._fields["loyalty_start_date"].help
        self.assertIn("Empty: from the day it was first switched to Test or On", company_help)
        self.assertEqual(self.env["clinic.loyalty.settings"]._fields["loyalty_start_date"].help, company_help)
        arch = self.env.ref("clinic_loyalty.res_config_settings_view_form").arch
        settings = etree.fromstring(arch).xpath("//setting[@id='loyalty_start_date_setting']")
        self.assertEqual(len(settings), 1)
        self.assertEqual(settings[0].get("help"), company_help)
        self.assertNotIn("every paid invoice", arch)
