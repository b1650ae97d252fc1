"""A Loyalty Manager sets up an empty clinic in a real browser, in Otto's
order: how clients earn, Test, an eligible billing code, a reward, then On."""

from odoo.tests import HttpCase, tagged

from .common import LoyaltyBuilders


@tagged("post_install", "-at_install")
class TestSetupTour(LoyaltyBuilders, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        cls.clinic = env["res.company"].create(
            {"name": "Setup Vet Clinic", "country_id": env.ref("base.be").id}
        )
        cls.manager = cls._new_user("setup_tour_mgr", "manager", cls.clinic)
        cls.code = env["product.template"].create(
            {
                "name": "Setup consultation",
                "default_code": "SETUP-C",
                "type": "service",
                "sale_ok": True,
                "company_id": cls.clinic.id,
            }
        )

    def test_manager_sets_up_an_empty_clinic_to_on(self):
        self.assertEqual(self.clinic.loyalty_status, "off")
        self.start_tour(
            "/odoo/action-clinic_loyalty.loyalty_settings_action",
            "loyalty_setup_tour",
            login="setup_tour_mgr",
        )
        self.clinic.invalidate_recordset()
        self.assertEqual(self.clinic.loyalty_status, "on")
        self.assertEqual(
            (self.clinic.loyalty_earning_mode, self.clinic.loyalty_spend_per_point), ("per_transaction", 10.0)
        )
        self.assertTrue(self.code.with_company(self.clinic).loyalty_eligible)
        reward = self.env["clinic.loyalty.reward"].search([("company_id", "=", self.clinic.id)])
        self.assertEqual((reward.name, reward.points_cost, reward.value), ("Free check-up", 30, 25.0))
        history = (
            self.env["clinic.loyalty.status.change"].sudo().search([("company_id", "=", self.clinic.id)])
        )
        self.assertEqual(history.mapped("new_status"), ["test", "on"], "Test first, then On")
