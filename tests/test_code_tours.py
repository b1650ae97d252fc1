"""Code journeys in real Chromium with the client's phone (the fake SMS
gateway, scripts/sms_gateway.py): the server sends the code through Odoo's
SMS API (``sms.endpoint``), the tour reads it on the phone's page."""

from urllib.parse import quote
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.clinic_loyalty_otp.models.loyalty_otp_challenge import ClinicLoyaltyOtpChallenge
from odoo.addons.clinic_loyalty_otp.tests.common import OtpCommonMixin

from scripts.sms_gateway import FakeSmsGateway

_send_code = ClinicLoyaltyOtpChallenge._send_code


def _send_code_now(challenge):
    """The SMS leaves after the request commits; a test request's commit
    drops post-commit hooks, so run them where the real commit would."""
    _send_code(challenge)
    challenge.env.flush_all()
    challenge.env.cr.postcommit.run()
    challenge.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestPortalCodeTour(OtpCommonMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()
        cls.gateway = FakeSmsGateway()
        cls.gateway.start()
        cls.addClassCleanup(cls.gateway.stop)
        # Only this test's transaction points at the phone (rolled back).
        cls.env["ir.config_parameter"].sudo().set_param("sms.endpoint", cls.gateway.url)
        cls.env["iap.account"].sudo().get("sms")
        new_test_user(cls.env, login="jane_portal", groups="base.group_portal", partner_id=cls.client.id)

    def test_portal_request_with_the_code_and_a_reload(self):
        with patch.object(ClinicLoyaltyOtpChallenge, "_send_code", _send_code_now):
            self.start_tour(
                f"/my/loyalty/{self.account.id}?phone={quote(self.gateway.url, safe='')}",
                "portal_code_tour",
                login="jane_portal",
            )
        self.assertEqual(len(self.gateway.codes("+32470123456")), 1, "one code, the reload sent nothing")
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 60)
        request = self.env["clinic.loyalty.reward.request"].search([("account_id", "=", self.account.id)])
        self.assertEqual((request.reward_id, request.requested_by), (self.reward, "portal"))
