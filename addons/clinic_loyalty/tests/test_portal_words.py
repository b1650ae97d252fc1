from odoo.tests import HttpCase, tagged

from .test_reward_request import RewardRequestCommon


@tagged("post_install", "-at_install")
class TestPortalWords(RewardRequestCommon, HttpCase):
    """The client's history says what happened in a client's words."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_loyalty()

    def test_history_in_client_words(self):
        self.authenticate("loyalty_portal", "loyalty_portal")
        page = self.url_open(f"/my/loyalty/{self.account.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Correction by the clinic", page.text)
        self.assertNotIn("Accrual", page.text)
        self.assertNotIn("Adjustment", page.text)
