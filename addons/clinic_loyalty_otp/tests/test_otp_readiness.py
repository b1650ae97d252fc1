from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestOtpReadiness(TransactionCase):
    """Switching On with codes by SMS needs a provider that can send them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env["res.company"].create({"name": "Readiness clinic"})
        cls.env["clinic.loyalty.reward"].create(
            {"name": "Bath", "points_cost": 5, "company_id": cls.clinic.id}
        )
        cls.env["product.template"].create(
            {"name": "Consultation", "loyalty_eligible": True, "company_id": cls.clinic.id}
        )

    def test_twilio_without_account_blocks_switching_on(self):
        Company = type(self.env["res.company"])
        self.assertEqual(self.clinic._loyalty_readiness_issues(), [])
        with patch.object(Company, "_loyalty_otp_sms_provider", lambda self: "twilio"):
            issues = self.clinic._loyalty_readiness_issues()
            self.assertEqual(len(issues), 1)
            self.assertIn("Twilio", issues[0])
            with self.assertRaisesRegex(ValidationError, "Twilio sends the one-time codes"):
                self.clinic.loyalty_status = "on"
