from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import LoyaltyBuilders


class RewardRequestCommon(LoyaltyBuilders):
    """Two clinics (On), a client of clinic A with 100 points, rewards, and
    the users of every level: front desk of A, front desk of B, a plain
    internal user, and the client's portal user."""

    @classmethod
    def _setup_loyalty(cls):
        env = cls.env
        cls.Account = env["clinic.loyalty.account"]
        cls.Entry = env["clinic.loyalty.entry"]
        cls.Request = env["clinic.loyalty.reward.request"]
        Reward = env["clinic.loyalty.reward"]
        cls.clinic = env["res.company"].create({"name": "Paws Clinic", "email": "desk@paws.example.com"})
        cls.clinic_b = env["res.company"].create({"name": "Claws Clinic", "email": "desk@claws.example.com"})
        for company in cls.clinic | cls.clinic_b:
            env["product.template"].create(
                {
                    "name": f"Consultation {company.name}",
                    "type": "service",
                    "loyalty_eligible": True,
                    "company_id": company.id,
                }
            )
        cls.reward = Reward.create(
            {"name": "Nail trim", "points_cost": 30, "value": 12.0, "company_id": cls.clinic.id}
        )
        cls.reward_big = Reward.create(
            {"name": "Dental scaling", "points_cost": 500, "company_id": cls.clinic.id}
        )
        cls.reward_archived = Reward.create(
            {"name": "Old toy", "points_cost": 10, "active": False, "company_id": cls.clinic.id}
        )
        cls.reward_b = Reward.create({"name": "Bath", "points_cost": 20, "company_id": cls.clinic_b.id})
        (cls.clinic | cls.clinic_b).write({"loyalty_status": "on"})
        if "loyalty_otp_required" in cls.clinic._fields:
            # With clinic_loyalty_otp installed too: these tests cover the base
            # flows; the OTP addon tests its own gate in front of _redeem.
            (cls.clinic | cls.clinic_b).loyalty_otp_required = False
        cls.client = env["res.partner"].create({"name": "Jane Client", "email": "jane@client.example.com"})
        cls.other_client = env["res.partner"].create(
            {"name": "Otto Other", "email": "otto@client.example.com"}
        )
        cls.account = cls._account_with_points(
            cls.client, cls.clinic, 100, "seed:jane", source_name="INV/TEST/0001", reason="opening"
        )
        cls.other_account = cls._account_with_points(
            cls.other_client, cls.clinic, 80, "seed:otto", source_name="INV/TEST/0002"
        )
        cls.account_b = cls._account_with_points(
            cls.client, cls.clinic_b, 40, "seed:jane:b", source_name="INV/B/0001"
        )
        cls.frontdesk = cls._new_user("loyalty_frontdesk", "front_desk", cls.clinic)
        cls.frontdesk_b = cls._new_user("loyalty_frontdesk_b", "front_desk", cls.clinic_b)
        cls.internal = cls._new_user("loyalty_plain_internal", "employee", cls.clinic)
        cls.portal_user = cls._new_user("loyalty_portal", "portal", cls.clinic, partner_id=cls.client.id)

    def _entries(self, account, kind=None):
        domain = [("account_id", "=", account.id)] + ([("kind", "=", kind)] if kind else [])
        return self.Entry.search(domain)

    def assertBooksHold(self):
        self.assertFalse(self.Account._check_drift(), "every balance must equal the sum of its entries")


@tagged("post_install", "-at_install")
class TestRewardRequest(RewardRequestCommon, MailCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_loyalty()

    def _portal_request(self, reward, account=None):
        req = self.Request.with_user(self.portal_user)._create_request(
            (account or self.account).sudo(), reward, "portal"
        )
        return req.with_env(self.env)

    def test_request_holds_points_at_once(self):
        req = self._portal_request(self.reward)
        self.assertEqual(req.state, "pending")
        self.assertEqual(req.requested_by, "portal")
        self.assertEqual(req.points, 30)
        self.assertEqual(self.account.balance, 70)
        held = self._entries(self.account, "redemption")
        self.assertEqual(held.points, -30)
        self.assertEqual(held.key, f"request:{req.id}")
        self.assertEqual(req.entry_key, held.key)
        self.assertEqual((held.res_model, held.res_id), (req._name, req.id))
        self.assertEqual(held.user_id, self.portal_user)
        self.assertTrue(self.reward.redeemed, "a consumed reward can no longer be deleted")
        with self.assertRaisesRegex(UserError, "already redeemed: archive it"):
            self.reward.unlink()
        self.assertBooksHold()

    def test_every_redemption_goes_through_redeem(self):
        Account = type(self.env["clinic.loyalty.account"])
        calls = []
        original = Account._redeem

        def spy(account, points, reason, key, **kw):
            calls.append((account.id, points, kw["consent"], kw.pop("otp_marker", None)))
            return original(account, points, reason, key, **kw)

        Wizard = type(self.env["clinic.loyalty.redeem.wizard"])
        with (
            patch.object(Account, "_redeem", spy),
            patch.object(Wizard, "_redeem_kwargs", lambda wizard: {"otp_marker": wizard.id}),
        ):
            self._portal_request(self.reward)
            wizard = (
                self.env["clinic.loyalty.redeem.wizard"]
                .with_user(self.frontdesk)
                .create({"account_id": self.account.id, "reward_id": self.reward.id})
            )
            wizard.action_redeem()
        self.assertEqual(
            calls, [(self.account.id, 30, "portal", None), (self.account.id, 30, "staff", wizard.id)]
        )

    def test_request_larger_than_balance_refused(self):
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self._portal_request(self.reward_big)
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.Request.search([("account_id", "=", self.account.id)]))
        self.assertFalse(self._entries(self.account, "redemption"))
        self.assertFalse(self.reward_big.redeemed)

    def test_hostile_rewards_refused(self):
        for reward in (self.reward_archived, self.reward_b):
            with self.assertRaisesRegex(UserError, "This reward is not offered by Paws Clinic"):
                self._portal_request(reward)
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.Request.search([("account_id", "=", self.account.id)]))

    def test_request_refused_unless_programme_on(self):
        self.clinic.loyalty_status = "test"
        with self.assertRaisesRegex(UserError, "not open for redemptions"):
            self._portal_request(self.reward)
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.Request.search([("account_id", "=", self.account.id)]))

    def test_cancel_twice_gives_back_once(self):
        req = self._portal_request(self.reward)
        req._cancel()
        self.assertEqual(req.state, "cancelled")
        self.assertEqual(self.account.balance, 100)
        with self.assertRaisesRegex(UserError, "no longer pending"):
            req._cancel()
        with self.assertRaisesRegex(UserError, "no longer pending"):
            req.with_user(self.frontdesk)._refuse("too late")
        refunds = self._entries(self.account, "refund")
        self.assertEqual(refunds.points, 30)
        self.assertEqual(refunds.key, f"request:{req.id}:refund")
        self.assertEqual(self.account.balance, 100)
        self.assertBooksHold()

    def test_refund_key_posts_once_even_without_state_check(self):
        # Belt and braces: if two transactions ever got past the state check,
        # the refund's idempotency key still gives the points back only once.
        req = self._portal_request(self.reward)
        req._cancel()
        posted = self.Account._post_entries(
            [
                {
                    "account_id": self.account.id,
                    "points": 30,
                    "kind": "refund",
                    "key": f"request:{req.id}:refund",
                }
            ]
        )
        self.assertEqual(posted, [])
        self.assertEqual(self.account.balance, 100)

    def test_fulfil_rights(self):
        req = self._portal_request(self.reward)
        for user in (self.portal_user, self.internal, self.frontdesk_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                req.with_user(user).action_fulfil()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                req.with_user(user).action_open_refuse_wizard()
        self.assertEqual(req.state, "pending")
        req.with_user(self.frontdesk).action_fulfil()
        self.assertEqual(req.state, "fulfilled")
        self.assertEqual(req.done_user_id, self.frontdesk)
        self.assertEqual(self.account.balance, 70, "fulfilling consumes the held points, nothing more")
        with self.assertRaisesRegex(UserError, "no longer pending"):
            req.with_user(self.frontdesk).action_fulfil()
        with self.assertRaisesRegex(UserError, "no longer pending"):
            req._cancel()
        self.assertEqual(self.account.balance, 70)
        self.assertBooksHold()

    def test_refuse_with_reason_gives_points_back(self):
        req = self._portal_request(self.reward)
        action = req.with_user(self.frontdesk).action_open_refuse_wizard()
        Wizard = self.env[action["res_model"]].with_user(self.frontdesk).with_context(**action["context"])
        with self.assertRaisesRegex(UserError, "Say why"):
            Wizard.create({"reason": "   "}).action_refuse()
        Wizard.create({"reason": "Out of stock until June"}).action_refuse()
        self.assertEqual(req.state, "refused")
        self.assertEqual(req.refuse_reason, "Out of stock until June")
        self.assertEqual(self.account.balance, 100)
        self.assertEqual(len(self._entries(self.account, "refund")), 1)
        with self.assertRaises(AccessError):
            self.env[action["res_model"]].with_user(self.internal).create(
                {"request_id": req.id, "reason": "x"}
            )
        self.assertBooksHold()

    def test_requests_are_not_forged_through_the_orm(self):
        with self.assertRaises(AccessError):
            self.Request.with_user(self.frontdesk).create(
                {
                    "account_id": self.account.id,
                    "reward_id": self.reward.id,
                    "points": 1,
                    "requested_by": "staff",
                }
            )
        with self.assertRaises(AccessError):
            self.Request.create(
                {
                    "account_id": self.account.id,
                    "reward_id": self.reward.id,
                    "points": 1,
                    "requested_by": "staff",
                }
            )
        req = self._portal_request(self.reward)
        with self.assertRaises(AccessError):
            req.with_user(self.frontdesk).write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            req.write({"state": "cancelled"})
        self.assertEqual(self.account.balance, 70)

    def test_multi_company_isolation(self):
        req = self._portal_request(self.reward)
        self.assertFalse(self.Request.with_user(self.frontdesk_b).search([("id", "=", req.id)]))
        self.assertEqual(self.Request.with_user(self.frontdesk).search([("id", "=", req.id)]), req)

    def test_emails_on_fulfil_and_refuse(self):
        req = self._portal_request(self.reward)
        with self.mock_mail_gateway():
            req.with_user(self.frontdesk).action_fulfil()
        self.assertSentEmail(
            self.clinic.email_formatted,
            [self.client],
            subject="Paws Clinic: your reward Nail trim was handed over",
        )
        req2 = self._portal_request(self.reward)
        with self.mock_mail_gateway():
            req2.with_user(self.frontdesk)._refuse("Out of stock until June")
        self.assertSentEmail(
            self.clinic.email_formatted,
            [self.client],
            subject="Paws Clinic: your reward request Nail trim was declined",
            body_content="Out of stock until June",
        )
        with self.mock_mail_gateway():
            self._portal_request(self.reward)._cancel()
        self.assertNotSentEmail()

    def test_redeem_wizard(self):
        Wizard = self.env["clinic.loyalty.redeem.wizard"]
        wizard = (
            Wizard.with_user(self.frontdesk)
            .with_context(active_model="clinic.loyalty.account", active_id=self.account.id)
            .create({"reward_id": self.reward.id})
        )
        self.assertEqual(wizard.account_id, self.account)
        wizard.action_redeem()
        req = self.Request.search([("account_id", "=", self.account.id)])
        self.assertEqual((req.state, req.requested_by, req.points), ("fulfilled", "staff", 30))
        self.assertEqual(self.account.balance, 70)
        too_big = Wizard.with_user(self.frontdesk).create(
            {"account_id": self.account.id, "reward_id": self.reward_big.id}
        )
        with self.assertRaisesRegex(UserError, "Pick a cheaper reward"):
            too_big.action_redeem()
        with self.assertRaises(AccessError):
            Wizard.with_user(self.internal).create(
                {"account_id": self.account.id, "reward_id": self.reward.id}
            )
        # A front desk of clinic B cannot redeem on clinic A's account.
        with self.assertRaises(AccessError):
            Wizard.with_user(self.frontdesk_b).create(
                {"account_id": self.account.id, "reward_id": self.reward.id}
            ).action_redeem()
        self.assertEqual(self.account.balance, 70)
        self.assertBooksHold()

    def test_pending_requests_listed_first(self):
        first = self._portal_request(self.reward)
        second = self._portal_request(self.reward)
        second.with_user(self.frontdesk).action_fulfil()
        third = self._portal_request(self.reward)
        listed = self.Request.with_user(self.frontdesk).search([("account_id", "=", self.account.id)])
        self.assertEqual(listed.mapped("state"), ["pending", "pending", "fulfilled"])
        self.assertEqual(set(listed[:2].ids), {first.id, third.id})
        self.assertEqual(self.account.balance, 10)
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self._portal_request(self.reward)
        self.assertBooksHold()
