"""At the counter, in a real browser, with the client's phone: the code goes
through Odoo's own SMS API (``sms.endpoint``) to the loopback SMS gateway of
the demo (``scripts/sms_gateway.py``), where the tour reads it as the client
would, then pays with points. Nothing but the gateway is faked."""

import importlib.util
import threading
from pathlib import Path
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.iap.tools import iap_tools

from .common import OtpPosCommon
from .test_pos_tour import sms_on_commit


def gateway_module():
    """``scripts/sms_gateway.py`` of the checkout these addons are in, or
    None when they are installed elsewhere."""
    for parent in Path(__file__).resolve().parents:
        script = parent / "scripts" / "sms_gateway.py"
        if script.is_file():
            spec = importlib.util.spec_from_file_location("clinic_loyalty_sms_gateway", script)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return None


@tagged("post_install", "-at_install")
class TestPosGatewayTour(OtpPosCommon):
    def test_pay_with_points_reading_the_code_on_the_clients_phone(self):
        module = gateway_module()
        if module is None:
            self.skipTest("scripts/sms_gateway.py is not beside these addons")
        gateway = module.FakeSmsGateway()
        gateway.start()
        self.addCleanup(gateway.stop)
        self.env["ir.config_parameter"].sudo().set_param("sms.endpoint", gateway.url)
        real_jsonrpc, calls = iap_tools.iap_jsonrpc, []

        def to_the_gateway(url, *args, **kwargs):
            # Odoo refuses IAP calls from test threads: this one goes to loopback only.
            calls.append(url)
            if not url.startswith(gateway.url):
                raise AssertionError(f"an SMS left for {url}")
            thread = threading.current_thread()
            testing = getattr(thread, "testing", False)
            thread.testing = False
            try:
                return real_jsonrpc(url, *args, **kwargs)
            finally:
                thread.testing = testing

        with patch.object(iap_tools, "iap_jsonrpc", to_the_gateway), sms_on_commit():
            url = f"/pos/ui?config_id={self.main_pos_config.id}&phone={gateway.url}"
            self.start_tour(url, "clinic_loyalty_pos_gateway", login="pos_user")
        self.env.invalidate_all()
        self.assertEqual(calls, [f"{gateway.url}/api/sms/3/send"], "one SMS, through the gateway")
        [message] = gateway.received("+32470123456")
        code = gateway.last_code("+32470123456")
        self.assertIn(code, message)
        order = self.env["pos.order"].search([("partner_id", "=", self.client.id)], limit=1, order="id desc")
        self.assertEqual(order.state, "paid")
        points = order.payment_ids.filtered(lambda p: p.payment_method_id == self.loyalty_method)
        self.assertEqual(points.amount, 12.0)
        self.assertEqual(self.account.balance, 60)
        challenge = self.env["clinic.loyalty.otp.challenge"].sudo().search([("pos_order_id", "=", order.id)])
        self.assertEqual(challenge.state, "used")
        self.assertNotEqual(challenge.code_hash, code, "only the code's HMAC is kept")
