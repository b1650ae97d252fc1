from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .signal_common import SignalMonthCommon, precision_recall


@tagged("post_install", "-at_install")
class TestStaffSignals(SignalMonthCommon):
    """The generic kinds (ledger, adjustments, invoices, staff contacts)."""

    def test_dishonest_patterns_raise_their_signals(self):
        signals = self._review()
        found = {(s.kind, s.user_id.id, s.partner_id.id) for s in signals}
        expected = self._expected_core()
        precision, recall = precision_recall(found, expected)
        print(f"\nstaff signals (core kinds): precision {precision:.2f}, recall {recall:.2f}")  # pylint: disable=print-used
        self.assertEqual(recall, 1.0, f"missed: {expected - found}")
        self.assertEqual(precision, 1.0, f"honest staff flagged: {found - expected}")
        by_kind = {s.kind: s for s in signals}
        self.assertEqual(set(by_kind["staff_earning"].entry_ids.ids), self._ids(self.dave_own))
        self.assertEqual(by_kind["staff_earning"].points, 200)
        self.assertEqual(by_kind["staff_earning"].value, 20.0)
        self.assertTrue(self._ids(self.dave_peers) <= set(by_kind["adjust_peers"].entry_ids.ids))
        self.assertEqual(set(by_kind["adjust_same_client"].entry_ids.ids), self._ids(self.dave_same))
        self.assertEqual(
            set(by_kind["adjust_after_refund"].entry_ids.ids), self._ids([self.given_back, self.refund_key])
        )
        self.assertEqual(by_kind["unpaid"].res_model, "account.move")
        self.assertEqual(by_kind["unpaid"].res_ids, self.dave_invoice.ids)
        self.assertEqual(set(by_kind["redeem_absent"].entry_ids.ids), self._ids([self.absent_redeem]))
        self.assertTrue(all(s.company_id == self.clinic and s.state == "new" for s in signals))
        self.assertTrue(all(s.name for s in signals))

    def test_honest_staff_raise_nothing(self):
        signals = self._review()
        self.assertFalse(signals.filtered(lambda s: s.user_id in self.honest))

    def test_rerun_records_nothing_new(self):
        first = self._review()
        self.assertTrue(first)
        self.assertFalse(self._review(), "a finding is recorded once")
        self.assertEqual(self.Signal.search_count([("company_id", "=", self.clinic.id)]), len(first))

    def test_threshold_tunes_the_kind(self):
        self.clinic.loyalty_signal_staff_points = 250
        kinds = set(self._review().mapped("kind"))
        self.assertNotIn("staff_earning", kinds)
        self.clinic.loyalty_signal_staff_points = 10
        flagged = self._review().filtered(lambda s: s.kind == "staff_earning")
        self.assertIn(self.honest[0], flagged.user_id, "her own pet's points and her spouse's, above 10")

    def test_isolated_per_clinic(self):
        other = self.env["res.company"].create({"name": "Other clinic", "loyalty_status": "test"})
        self.assertFalse(self._review(other), "nothing at the other clinic")
        signals = self._review()
        self.assertEqual(signals.company_id, self.clinic)
        other_signal = self.Signal._signal_record(
            other, [{"kind": "unpaid", "key": "x:1", "name": "other", "points": 1}], self.review_now
        )
        self.assertFalse(self.Signal.with_user(self.mia).search([("id", "=", other_signal.id)]))

    def test_invisible_to_non_managers_and_to_the_subject(self):
        signals = self._review()
        desk = new_test_user(self.env, "sig_desk", groups="base.group_user,clinic_loyalty.group_loyalty_user")
        employee = new_test_user(self.env, "sig_employee", groups="base.group_user")
        for user in (desk, employee, self.honest[0]):
            Signal = self.env["clinic.loyalty.signal"].with_user(user)
            with self.assertRaises(AccessError):
                Signal.search_read([], ["name", "user_id"])
            with self.assertRaises(AccessError):
                Signal.browse(signals[:1].ids).read(["name"])
        self.assertEqual(self.Signal.with_user(self.mia).search([]), signals.with_user(self.mia))
        self.assertFalse(
            self.Signal.with_user(self.dave).search([]), "the subject never sees the signals about himself"
        )
        with self.assertRaises(AccessError):
            self.Signal.with_user(self.dave).browse(signals[:1].ids).read(["name"])
        self.assertEqual(self.dave.with_user(self.mia).loyalty_signal_count, len(signals))
        self.assertEqual(self.dave.with_user(self.dave).loyalty_signal_count, 0)
        self.assertEqual(self.friend.with_user(self.mia).loyalty_signal_count, 1)

    def test_review_and_digest(self):
        signals = self._review()
        signal = signals[0].with_user(self.mia)
        signal.action_dismiss("Known: the owner's own cat")
        self.assertEqual(signal.state, "dismissed")
        self.assertEqual(signal.reviewed_by_id, self.mia)
        with self.assertRaises(AccessError):
            signals[1].with_user(self.honest[0]).action_confirm()
        self.Signal._signal_send_digest()
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", "clinic.loyalty.signal"), ("res_id", "in", signals.ids)])
        )
        self.assertIn(self.mia, activities.user_id, "Mia is told of the new signals")
        self.assertNotIn(self.dave, activities.user_id, "Dave is not told of the signals about himself")
        self.assertTrue(
            all(s.digest_sent for s in signals - signals[0]), "dismissed before the digest: not told"
        )
        self.assertEqual(self.Signal._signal_send_digest(), 0, "told once")

    def test_on_demand_action(self):
        result = self.Signal.with_user(self.mia).action_compute_signals()
        self.assertEqual(result["tag"], "display_notification")
        self.assertTrue(self.Signal.search([("company_id", "=", self.clinic.id)]))
        with self.assertRaises(AccessError):
            self.Signal.with_user(self.honest[1]).action_compute_signals()

    def test_nightly_cron_reviews_and_tells_managers(self):
        cron = self.env.ref("clinic_loyalty.ir_cron_loyalty_signals")
        accrual = self.env.ref("clinic_loyalty.ir_cron_loyalty_accrual")
        self.assertGreater(cron.nextcall.time(), accrual.nextcall.time(), "after the accrual")
        cron.method_direct_trigger()
        signals = self.Signal.search([("company_id", "=", self.clinic.id)])
        self.assertIn("staff_earning", signals.mapped("kind"))
        self.assertTrue(all(s.digest_sent for s in signals))
        activities = self.env["mail.activity"].sudo().search([("res_model", "=", "clinic.loyalty.signal")])
        self.assertIn(self.mia, activities.user_id)

    def test_dismiss_wizard_needs_a_reason(self):
        signal = self._review()[:1].with_user(self.mia)
        action = signal.action_dismiss_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.mia)
            .with_context(**action["context"])
            .create({"reason": "The owner's own cat"})
        )
        wizard.action_dismiss()
        self.assertEqual(signal.state, "dismissed")
        self.assertEqual(signal.dismiss_reason, "The owner's own cat")
        with self.assertRaisesRegex(UserError, "why"):
            self._review().browse(self.Signal.search([("state", "=", "new")], limit=1).ids).with_user(
                self.mia
            ).action_dismiss("  ")

    def test_thresholds_on_the_settings_page(self):
        Settings = self.env["clinic.loyalty.settings"].with_user(self.mia).with_company(self.clinic)
        page = Settings.create({})
        self.assertEqual(page.loyalty_signal_staff_points, 150)
        self.assertEqual(page.loyalty_adjust_approval_threshold, 100)
        page.write({"loyalty_signal_staff_points": 400, "loyalty_adjust_daily_cap": 50})
        page.action_save()
        self.assertEqual(self.clinic.loyalty_signal_staff_points, 400)
        self.assertEqual(self.clinic.loyalty_adjust_daily_cap, 50)
        accountant = new_test_user(
            self.env,
            "sig_accountant",
            groups="base.group_user,account.group_account_manager",
            company_id=self.clinic.id,
            company_ids=[(6, 0, self.clinic.ids)],
        )
        page = self.env["clinic.loyalty.settings"].with_user(accountant).with_company(self.clinic).create({})
        page.write({"loyalty_signal_staff_points": 1})
        page.action_save()
        self.assertEqual(self.clinic.loyalty_signal_staff_points, 400, "accountants do not tune signals")
        with self.assertRaises(ValidationError):
            self.clinic.loyalty_signal_cluster_share = 1.5

    def test_screens_of_a_manager(self):
        Signal = self.Signal.with_user(self.mia)
        views = Signal.get_views([(False, "list"), (False, "pivot"), (False, "form"), (False, "search")])
        self.assertIn("kind", views["models"]["clinic.loyalty.signal"]["fields"])
        admin = self.env.ref("base.user_admin")
        user_form = (
            self.env["res.users"]
            .with_user(admin)
            .get_views([(self.env.ref("base.view_users_form").id, "form")])
        )
        self.assertIn("action_open_loyalty_signals", user_form["views"]["form"]["arch"])
        partner_form = self.env["res.partner"].with_user(self.mia).get_views([(False, "form")])
        self.assertIn("action_open_loyalty_signals", partner_form["views"]["form"]["arch"])
        signals = self._review()
        action = self.dave.with_user(self.mia).action_open_loyalty_signals()
        self.assertEqual(Signal.search(action["domain"]), signals.with_user(self.mia))
        action = self.friend.with_user(self.mia).action_open_loyalty_signals()
        self.assertEqual(Signal.search(action["domain"]).kind, "adjust_same_client")
        # On Dave's own contact: the signals about him as staff (a manager without
        # the Settings right opens contacts, not users).
        self.assertEqual(self.dave.partner_id.with_user(self.mia).loyalty_signal_count, len(signals))
        self.assertEqual(self.dave.partner_id.with_user(self.dave).loyalty_signal_count, 0)
        by_kind = {s.kind: s for s in signals}
        documents = by_kind["unpaid"].with_user(self.mia).action_open_documents()
        self.assertEqual(self.env[documents["res_model"]].search(documents["domain"]), self.dave_invoice)
        entries = by_kind["staff_earning"].with_user(self.mia).action_open_entries()
        self.assertEqual(len(self.Entry.search(entries["domain"])), 20)
        groups = Signal.read_group([], ["points:sum"], ["user_id", "kind"], lazy=False)
        self.assertEqual(sum(g["__count"] for g in groups), len(signals))
