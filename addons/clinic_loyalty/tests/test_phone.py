from odoo.tests import TransactionCase, tagged

from odoo.addons.clinic_loyalty.tools.phone import phone_e164


@tagged("post_install", "-at_install")
class TestPhone(TransactionCase):
    """The one phone normaliser (codes' numbers, PMS matching)."""

    def test_national_numbers_read_in_the_country(self):
        self.assertEqual(phone_e164("0470 12 34 56", "BE"), "+32470123456")
        self.assertEqual(phone_e164("(415) 555-0102", "US"), "+14155550102")
        self.assertEqual(phone_e164("+32 470 12 34 56", "US"), "+32470123456", "an international number wins")
        self.assertEqual(phone_e164("+32 470 12 34 56", None), "+32470123456")

    def test_invalid_numbers_are_none(self):
        for number in (None, False, "", "12", "not a number", "+32 12", "0470 12 34 56 78 90 12"):
            self.assertIsNone(phone_e164(number, "BE"), number)
        self.assertIsNone(phone_e164("0470 12 34 56", None), "a national number needs its country")
