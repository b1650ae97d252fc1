"""Code journeys in real Chromium with the client's phone (the fake SMS
gateway, scripts/sms_gateway.py): the server sends the code through Odoo's
SMS API (``sms.endpoint``), the tour reads it on the phone's page."""

import json
from unittest.mock import patch
from urllib.parse import quote

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
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


@tagged("post_install", "-at_install")
class TestInvoicePointsCodeTour(OtpCommonMixin, AccountTestInvoicingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        company._loyalty_accounting_setup()
        cls._setup_otp_clinic(company=company)
        company.loyalty_point_value = 0.10
        cls._account_with_points(cls.client, company, 900, "invoice-tour-seed", sudo=True)
        cls.cashier.sudo().groups_id += cls.env.ref("account.group_account_invoice")
        cls.gateway = FakeSmsGateway()
        cls.gateway.start()
        cls.addClassCleanup(cls.gateway.stop)
        cls.env["ir.config_parameter"].sudo().set_param("sms.endpoint", cls.gateway.url)
        cls.env["iap.account"].sudo().get("sms")
        checkup = (
            cls.env["product.product"]
            .sudo()
            .create(
                {
                    "name": "Check-up",
                    "list_price": 100.0,
                    "taxes_id": [Command.clear()],
                    "loyalty_eligible": True,
                }
            )
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.client.id,
                "company_id": company.id,
                "invoice_line_ids": [
                    Command.create({"product_id": checkup.id, "price_unit": 100.0, "tax_ids": []})
                ],
            }
        )
        cls.invoice.action_post()

    def test_register_payment_with_points(self):
        with patch.object(ClinicLoyaltyOtpChallenge, "_send_code", _send_code_now):
            url = f"/odoo/action-account.action_move_out_invoice_type/{self.invoice.id}"
            options = {"stepDelay": 0, "keepWatchBrowser": False, "debug": False, "startUrl": url}
            # The web client's router rewrites the URL: the phone's address is
            # handed over in sessionStorage, before the tour starts.
            self.start_tour(
                url,
                "invoice_points_code_tour",
                login=self.cashier.login,
                code=f"sessionStorage.setItem('clinic_loyalty_tour_phone', {json.dumps(self.gateway.url)}); "
                f"odoo.startTour('invoice_points_code_tour', {json.dumps(options)})",
            )
        self.assertEqual(len(self.gateway.codes("+32470123456")), 1)
        self.env.invalidate_all()
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(self.account.balance, 0)
        self.assertIn("1000 loyalty points", "".join(self.invoice.message_ids.mapped("body")))
