from odoo.tests import HttpCase, TransactionCase, tagged

from .common import LoyaltyBuilders


@tagged("post_install", "-at_install")
class TestInstall(LoyaltyBuilders, TransactionCase):
    """Menus, groups, crons and back-office views the app ships with."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._new_user("loyalty_desk", "front_desk", cls.env.company)
        cls.manager = cls._new_user("loyalty_boss", "manager", cls.env.company)
        cls.clerk = cls._new_user("plain_clerk", "employee", cls.env.company)

    def _visible(self, user, xmlid):
        menu = self.env.ref(xmlid)
        return menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_groups(self):
        manager_group = self.env.ref("clinic_loyalty.group_loyalty_manager")
        user_group = self.env.ref("clinic_loyalty.group_loyalty_user")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertTrue(self.manager.has_group("clinic_loyalty.group_loyalty_user"))
        self.assertFalse(self.user.has_group("clinic_loyalty.group_loyalty_manager"))

    def test_menus_by_group(self):
        for xmlid in ("loyalty_root_menu", "loyalty_account_menu", "loyalty_entry_menu"):
            self.assertTrue(self._visible(self.user, f"clinic_loyalty.{xmlid}"), xmlid)
            self.assertFalse(self._visible(self.clerk, f"clinic_loyalty.{xmlid}"), xmlid)
        for xmlid in ("loyalty_reward_menu", "loyalty_eligible_items_menu"):
            self.assertTrue(self._visible(self.manager, f"clinic_loyalty.{xmlid}"), xmlid)
            self.assertFalse(self._visible(self.user, f"clinic_loyalty.{xmlid}"), xmlid)
        # The loyalty settings are the Loyalty Manager's, without the Settings right.
        self.assertTrue(self._visible(self.manager, "clinic_loyalty.loyalty_settings_menu"))
        self.assertFalse(self._visible(self.user, "clinic_loyalty.loyalty_settings_menu"))
        for xmlid in ("loyalty_liability_report_menu", "loyalty_value_report_menu"):
            self.assertTrue(self._visible(self.manager, f"clinic_loyalty.{xmlid}"), xmlid)
            self.assertFalse(self._visible(self.user, f"clinic_loyalty.{xmlid}"), xmlid)
        root = self.env.ref("clinic_loyalty.loyalty_root_menu")
        self.assertEqual(root.web_icon, "clinic_loyalty,static/description/icon.png")
        self.assertTrue(root.web_icon_data, "the app icon file is missing")

    def test_crons_active(self):
        accrual = self.env.ref("clinic_loyalty.ir_cron_loyalty_accrual")
        check = self.env.ref("clinic_loyalty.ir_cron_loyalty_check_balances")
        self.assertTrue(accrual.active)
        self.assertTrue(check.active)
        self.assertEqual((accrual.interval_number, accrual.interval_type), (1, "days"))
        self.assertEqual((check.interval_number, check.interval_type), (1, "weeks"))
        self.assertEqual(check.code.strip(), "model._cron_check_balances()")
        self.assertTrue(hasattr(self.env[check.model_id.model], "_cron_check_balances"))

    def test_ledger_views_read_only(self):
        views = self.env["clinic.loyalty.entry"].get_views(
            [(False, "list"), (False, "form"), (False, "pivot"), (False, "graph"), (False, "search")]
        )["views"]
        for view_type in ("list", "form"):
            arch = views[view_type]["arch"]
            for attribute in ('create="0"', 'edit="0"', 'delete="0"'):
                self.assertIn(attribute, arch, f"{view_type}: {attribute}")
        self.assertIn('interval="month"', views["pivot"]["arch"])
        self.assertIn('name="kind"', views["graph"]["arch"])
        for name in (
            "filter_accrual",
            "filter_redemption",
            "filter_adjustment",
            'name="partner_id"',
        ):
            self.assertIn(name, views["search"]["arch"])
        action = self.env.ref("clinic_loyalty.loyalty_entry_action")
        self.assertEqual(action.view_mode, "list,pivot,graph,form")

    def test_account_form_buttons_by_group(self):
        arch_user = (
            self.env["clinic.loyalty.account"]
            .with_user(self.user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        arch_manager = (
            self.env["clinic.loyalty.account"]
            .with_user(self.manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("action_check_balance", arch_user)
        self.assertNotIn("Adjust points", arch_user)
        self.assertIn("Adjust points", arch_manager)
        self.assertIn("<chatter", arch_manager)

    def test_partner_smart_button_shows_current_clinic(self):
        Account = self.env["clinic.loyalty.account"]
        other = self.env["res.company"].create({"name": "Second clinic"})
        client = self.env["res.partner"].create({"name": "Smart Button Client"})
        contact = self.env["res.partner"].create({"name": "Her husband", "parent_id": client.id})
        here, there = self.env.company, other
        ids = Account._get_or_create([(client.id, here.id), (client.id, there.id)])
        Account._post_entries(
            [
                {"account_id": ids[(client.id, here.id)], "points": 7, "kind": "adjustment", "key": "sb-1"},
                {"account_id": ids[(client.id, there.id)], "points": 40, "kind": "adjustment", "key": "sb-2"},
            ]
        )
        self.manager.write({"company_ids": [(4, other.id)]})
        as_manager = client.with_user(self.manager)
        self.assertEqual(as_manager.with_company(here).loyalty_balance, 7)
        self.assertEqual(as_manager.with_company(there).loyalty_balance, 40)
        self.assertEqual(contact.with_user(self.manager).with_company(there).loyalty_balance, 40)
        action = as_manager.with_company(there).action_open_loyalty_account()
        self.assertEqual(action["res_id"], ids[(client.id, there.id)])
        arch = (
            self.env["res.partner"].with_user(self.user).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("loyalty_balance", arch)
        arch = (
            self.env["res.partner"]
            .with_user(self.clerk)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("loyalty_balance", arch)

    def test_partner_without_account(self):
        client = self.env["res.partner"].create({"name": "No Points Yet"})
        self.assertEqual(client.with_user(self.user).loyalty_balance, 0)
        action = client.with_user(self.user).action_open_loyalty_account()
        self.assertEqual(action["tag"], "display_notification")
        action = client.with_user(self.manager).action_open_loyalty_account()
        self.assertEqual(action["res_model"], "clinic.loyalty.adjustment.wizard")
        self.assertEqual(action["context"]["default_partner_id"], client.id)


@tagged("post_install", "-at_install")
class TestBackOfficeScreens(LoyaltyBuilders, HttpCase):
    """The back-office screens render in a real browser (no client error)."""

    WAIT = """
        const wait = (selector) => new Promise((resolve, reject) => {
            let tries = 0;
            const timer = setInterval(() => {
                if (document.querySelector(selector)) {
                    clearInterval(timer);
                    resolve();
                } else if (++tries > 150) {
                    clearInterval(timer);
                    reject(new Error("not rendered: " + selector));
                }
            }, 100);
        });
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["res.partner"].create({"name": "Screen Client"})
        cls.account = cls._account_with_points(cls.client, cls.env.company, 15, "screen-1")
        cls.env["product.template"].create(
            {"name": "Screen vaccine", "default_code": "SCR-V", "type": "service"}
        )

    def _check(self, url, *selectors):
        code = (
            self.WAIT
            + f"Promise.all([{', '.join(f'wait({s!r})' for s in selectors)}])"
            + ".then(() => console.log('test successful'))"
            + ".catch((error) => console.error(error.message));"
        )
        self.browser_js(url, code, login="admin", timeout=90)

    def test_eligible_items_screen(self):
        self._check(
            "/odoo/action-clinic_loyalty.product_template_action_loyalty_items",
            "button[name='action_loyalty_enable_all_confirm']",
            ".o_data_row td[name='loyalty_eligible']",
        )

    def test_account_form(self):
        self._check(
            f"/odoo/action-clinic_loyalty.loyalty_account_action/{self.account.id}",
            "button[name='action_check_balance']",
            ".o_field_widget[name='balance']",
            ".o_field_widget[name='entry_ids'] .o_data_row",
            ".o-mail-Chatter",
        )

    def test_ledger_pivot_and_graph(self):
        self._check("/odoo/action-clinic_loyalty.loyalty_entry_action?view_type=pivot", ".o_pivot")
        self._check("/odoo/action-clinic_loyalty.loyalty_entry_action?view_type=graph", ".o_graph_renderer")

    def test_rewards_list(self):
        self.env["clinic.loyalty.reward"].create({"name": "Screen reward", "points_cost": 5})
        self._check(
            "/odoo/action-clinic_loyalty.loyalty_reward_action",
            ".o_data_row:has(td[name='name']) td[name='active'] .o_field_boolean_toggle input:checked",
        )

    def test_settings_section(self):
        self._check(
            "/odoo/action-clinic_loyalty.res_config_settings_action",
            ".o_field_widget[name='loyalty_status']",
            ".o_field_widget[name='loyalty_spend_per_point']",
        )

    def test_partner_smart_button(self):
        self._check(
            f"/odoo/res.partner/{self.client.id}",
            "button[name='action_open_loyalty_account'] .o_stat_value",
        )
