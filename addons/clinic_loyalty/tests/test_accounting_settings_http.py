from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltySettingsHttp(ClinicLoyaltyCommon, HttpCase):
    """A Loyalty Manager who is not a Settings administrator opens and saves
    the loyalty settings through the web client's own calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user("settings_http_manager", "manager", cls.clinic)
        cls.front_desk = cls._new_user("settings_http_desk", "front_desk", cls.clinic)

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_manager_opens_and_saves(self):
        self.authenticate("settings_http_manager", "settings_http_manager")
        action = self.make_jsonrpc_request(
            "/web/action/load", {"action_id": "clinic_loyalty.loyalty_settings_action"}
        )
        self.assertEqual(action["res_model"], "clinic.loyalty.settings")
        # What the web client asks for: every field of the form as this user gets it.
        views = self._call("clinic.loyalty.settings", "get_views", [[(False, "form")]])
        fields = views["models"]["clinic.loyalty.settings"]["fields"]
        self.assertIn("loyalty_point_value", fields)
        self.assertIn("loyalty_liability_account_id", fields)
        spec = {
            name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
            for name, field in fields.items()
        }
        defaults = self._call("clinic.loyalty.settings", "onchange", [[], {}, [], spec])
        self.assertIn("No active reward", defaults["value"]["loyalty_readiness"])
        self.assertEqual(defaults["value"]["loyalty_spend_per_point"], 10.0)
        saved = self._call(
            "clinic.loyalty.settings",
            "web_save",
            [[], {"loyalty_spend_per_point": 12.0, "loyalty_point_value": 0.3}],
            {"specification": {"id": {}}},
        )
        self._call("clinic.loyalty.settings", "action_save", [[saved[0]["id"]]])
        self.assertEqual(self.clinic.loyalty_spend_per_point, 12.0)
        self.assertEqual(self.clinic.loyalty_point_value, 0.3)

    def test_front_desk_refused(self):
        self.authenticate("settings_http_desk", "settings_http_desk")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), self.assertLogs("odoo.http", "WARNING"):
            self._call(
                "clinic.loyalty.settings",
                "web_save",
                [[], {"loyalty_point_value": 0.3}],
                {"specification": {"id": {}}},
            )
        self.assertEqual(self.clinic.loyalty_point_value, 0.0)
