from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSettings(TransactionCase):
    """Programme settings (company fields, edited from Settings) and rewards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Items shared by every company (no company) would count as eligible
        # for the new clinic: start from a catalogue where nothing earns points.
        cls.env["product.template"].search([("loyalty_eligible", "=", True)]).write(
            {"loyalty_eligible": False}
        )
        cls.clinic = cls.env["res.company"].create({"name": "Settings clinic"})
        cls.env.user.write({"company_ids": [(4, cls.clinic.id)]})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.clinic.id]))

    def _settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def _stored_status(self):
        self.env.cr.execute("SELECT loyalty_status FROM res_company WHERE id = %s", [self.clinic.id])
        return self.env.cr.fetchone()[0]

    def _ready(self):
        self.env["clinic.loyalty.reward"].create(
            {"name": "Free check-up", "points_cost": 20, "value": 30.0, "company_id": self.clinic.id}
        )
        self.env["product.template"].create(
            {
                "name": "Consultation",
                "type": "service",
                "loyalty_eligible": True,
                "company_id": self.clinic.id,
            }
        )

    def test_switch_on_refused_without_rewards_and_items(self):
        with self.assertRaisesRegex(ValidationError, "configure rewards and eligible items first"):
            self._settings(loyalty_status="on").execute()
        self.assertEqual(self._stored_status(), "off")
        # A reward alone is not enough.
        self.env["clinic.loyalty.reward"].create(
            {"name": "Free check-up", "points_cost": 20, "company_id": self.clinic.id}
        )
        with self.assertRaisesRegex(ValidationError, "configure rewards and eligible items first"):
            self._settings(loyalty_status="on").execute()
        # Test mode needs neither.
        self._settings(loyalty_status="test").execute()
        self.assertEqual(self.clinic.loyalty_status, "test")

    def test_archived_reward_does_not_count(self):
        self._ready()
        self.env["clinic.loyalty.reward"].search([("company_id", "=", self.clinic.id)]).active = False
        with self.assertRaisesRegex(ValidationError, "configure rewards and eligible items first"):
            self._settings(loyalty_status="on").execute()

    def test_switch_on_accepted_when_ready(self):
        self._ready()
        self._settings(loyalty_status="on").execute()
        self.assertEqual(self.clinic.loyalty_status, "on")

    def test_settings_fields_reach_company(self):
        self._settings(
            loyalty_earning_mode="total_spend",
            loyalty_spend_per_point=12.5,
            loyalty_min_transaction_amount=15.0,
            loyalty_description="<p>Earn one point per 12.50</p>",
            loyalty_start_date="2026-01-01",
        ).execute()
        self.assertEqual(self.clinic.loyalty_earning_mode, "total_spend")
        self.assertEqual(self.clinic.loyalty_spend_per_point, 12.5)
        self.assertEqual(self.clinic.loyalty_min_transaction_amount, 15.0)
        self.assertIn("Earn one point per 12.50", self.clinic.loyalty_description)
        self.assertEqual(str(self.clinic.loyalty_start_date), "2026-01-01")
        settings = self._settings()
        self.assertEqual(settings.loyalty_spend_per_point, 12.5)

    def test_settings_change_logged(self):
        before = len(self.clinic.partner_id.message_ids)
        self._settings(loyalty_spend_per_point=20.0).execute()
        messages = self.clinic.partner_id.message_ids
        self.assertEqual(len(messages), before + 1)
        self.assertIn("loyalty_spend_per_point: 10.0 → 20.0", messages[0].body)
        self.assertIn(self.env.user.name, messages[0].body)
        # Saving without a change logs nothing.
        self._settings(loyalty_spend_per_point=20.0).execute()
        self.assertEqual(len(self.clinic.partner_id.message_ids), before + 1)

    def test_settings_screen(self):
        self._ready()
        form = Form(self.env["res.config.settings"])
        form.loyalty_spend_per_point = 20.0
        form.loyalty_description = "<p>Points for care.</p>"
        form.loyalty_start_date = "2026-01-01"
        # The minimum amount belongs to "per transaction" and is shown only there.
        form.loyalty_earning_mode = "per_transaction"
        form.loyalty_min_transaction_amount = 15.0
        form.loyalty_earning_mode = "total_spend"
        with self.assertRaisesRegex(AssertionError, "can't write on invisible field"):
            form.loyalty_min_transaction_amount = 5.0
        form.loyalty_status = "test"
        form.save().execute()
        self.assertEqual(
            (
                self.clinic.loyalty_status,
                self.clinic.loyalty_earning_mode,
                self.clinic.loyalty_spend_per_point,
                self.clinic.loyalty_min_transaction_amount,
            ),
            ("test", "total_spend", 20.0, 15.0),
        )

    # ------------------------------------------------------------------
    # Rewards
    # ------------------------------------------------------------------
    def test_reward_delete_refused_once_redeemed(self):
        Reward = self.env["clinic.loyalty.reward"]
        unused = Reward.create({"name": "Never used", "points_cost": 5, "company_id": self.clinic.id})
        unused.unlink()
        self.assertFalse(unused.exists())
        used = Reward.create({"name": "Popular", "points_cost": 5, "company_id": self.clinic.id})
        spare = Reward.create({"name": "Spare", "points_cost": 5, "company_id": self.clinic.id})
        self._ready()
        self._settings(loyalty_status="on").execute()
        if "loyalty_otp_required" in self.clinic._fields:
            self.clinic.loyalty_otp_required = False  # the OTP addon tests its own gate
        Account = self.env["clinic.loyalty.account"]
        account = Account._account_for(self.env["res.partner"].create({"name": "Fido's owner"}), self.clinic)
        Account._post_entries([{"account_id": account.id, "points": 5, "kind": "adjustment", "key": "seed"}])
        self.env["clinic.loyalty.reward.request"]._create_request(account, used, "portal")
        self.assertEqual((used.redeemed, spare.redeemed), (True, False))
        self.assertEqual(Reward.search([("company_id", "=", self.clinic.id), ("redeemed", "=", True)]), used)
        self.assertIn(spare, Reward.search([("company_id", "=", self.clinic.id), ("redeemed", "!=", True)]))
        with self.assertRaisesRegex(UserError, "archive it"):
            used.unlink()
        used.action_archive()
        self.assertFalse(used.active)
        self.assertTrue(used.exists())
        self.assertNotIn(used, Reward.search([("company_id", "=", self.clinic.id)]))
        self.assertIn(
            used, Reward.with_context(active_test=False).search([("company_id", "=", self.clinic.id)])
        )
