"""A portal login is not the client: a colleague with Contact Creation can
grant a contact portal access to an email they read. When the clinic
requires codes, a portal request is confirmed with the code sent to the
account's own number, and the account's holds and locks apply."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import SMSCase

from ..models.loyalty_otp_challenge import ClinicLoyaltyOtpChallenge
from .common import CODE, OtpCommonMixin

_send_code = ClinicLoyaltyOtpChallenge._send_code


def _send_code_now(challenge):
    """The SMS leaves after the request commits; a test request's commit
    drops post-commit hooks, so run them where the real commit would."""
    _send_code(challenge)
    challenge.env.flush_all()
    challenge.env.cr.postcommit.run()
    challenge.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestOtpPortal(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()
        cls.cashier.sudo().groups_id += cls.env.ref("base.group_partner_manager")
        cls.client.email = "jane@petowner.example.com"

    def portal_login_for_the_client(self):
        """What the insider does: the portal wizard (Contact Creation may
        use it) on the client's contact, with an email they read; then they
        follow the invitation and choose a password."""
        wizard = (
            self.env["portal.wizard"]
            .with_user(self.cashier)
            .with_context(active_model="res.partner", active_ids=self.client.ids)
            .create({})
        )
        line = wizard.user_ids.filtered(lambda u: u.partner_id == self.client)
        line.email = "desk.insider@example.com"
        line.action_grant_access()
        user = self.client.with_context(active_test=False).user_ids
        self.assertTrue(user.share, "the insider now has the client's portal login")
        user.sudo().password = "insider-pass-1"
        return user

    def csrf(self):
        page = self.url_open("/my/account")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def post_request(self, sim_error=None, **data):
        url = f"/my/loyalty/{self.account.id}/request"
        data = {"reward_id": self.reward.id, "csrf_token": self.csrf(), **data}
        with (
            self.fixed_code(),
            self.mockSMSGateway(sim_error=sim_error),
            patch.object(ClinicLoyaltyOtpChallenge, "_send_code", _send_code_now),
        ):
            return self.url_open(url, data=data, allow_redirects=False)

    def challenges(self):
        return self.Challenge.sudo().search([("account_id", "=", self.account.id)])

    # ------------------------------------------------------------------
    @mute_logger("odoo.http")
    def test_insiders_portal_login_cannot_spend_without_the_code(self):
        user = self.portal_login_for_the_client()
        self.authenticate(user.login, "insider-pass-1")
        asked = self.post_request()
        self.assertEqual(asked.status_code, 303, "asking for a code redirects to the code page (GET)")
        page = self.url_open(asked.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_loyalty_code", page.text)
        challenge = self.challenges()
        self.assertEqual(challenge.phone, "+32470123456", "the code goes to the client's own number")
        self.assertNotIn(CODE, page.text)
        for guess in ("000000", "111111"):
            page = self.post_request(challenge_id=challenge.id, otp_code=guess)
            self.assertIn("Wrong code", page.text)
        # Straight to the request with a forged or absent challenge.
        for forged in ({"challenge_id": "0", "otp_code": CODE}, {"challenge_id": "abc"}):
            self.assertEqual(self.post_request(**forged).status_code, 409)
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(
            self.env["clinic.loyalty.reward.request"].search([("account_id", "=", self.account.id)])
        )
        self.assertEqual(challenge.attempts, 2, "the wrong guesses were counted")
        # Nor below the route: a portal request without a code is refused.
        Request = self.env["clinic.loyalty.reward.request"].with_user(user)
        with self.assertRaisesRegex(UserError, "one-time code"):
            Request._create_request(self.account.with_user(user), self.reward, "portal")
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 100)

    @mute_logger("odoo.http")
    def test_client_confirms_with_the_code(self):
        new_test_user(self.env, login="jane_portal", groups="base.group_portal", partner_id=self.client.id)
        self.authenticate("jane_portal", "jane_portal")
        self.post_request()
        challenge = self.challenges()
        self.assertEqual(challenge.state, "sent")
        done = self.post_request(challenge_id=challenge.id, otp_code=CODE)
        self.assertEqual(done.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 60)
        self.assertEqual(challenge.state, "used")
        request = self.env["clinic.loyalty.reward.request"].search([("account_id", "=", self.account.id)])
        self.assertEqual((request.requested_by, request.state), ("portal", "pending"))
        # The same code cannot confirm a second request.
        self.assertEqual(self.post_request(challenge_id=challenge.id, otp_code=CODE).status_code, 409)
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 60)

    @mute_logger("odoo.http")
    def test_holds_apply_to_portal_requests(self):
        new_test_user(self.env, login="jane_portal", groups="base.group_portal", partner_id=self.client.id)
        self.account.sudo().otp_hold_until = fields.Datetime.now() + timedelta(hours=24)
        self.authenticate("jane_portal", "jane_portal")
        page = self.post_request()
        self.assertEqual(page.status_code, 409)
        self.assertIn("held", page.text)
        self.assertFalse(self.challenges(), "no code sent while held")
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 100)

    # ------------------------------------------------------------------
    def code_page_url(self):
        return f"/my/loyalty/{self.account.id}/request?reward_id={self.reward.id}"

    @mute_logger("odoo.http")
    def test_code_page_safe_to_reload(self):
        new_test_user(self.env, login="jane_portal", groups="base.group_portal", partner_id=self.client.id)
        self.authenticate("jane_portal", "jane_portal")
        # No code asked yet: a GET sends nothing and goes back to the account.
        nothing = self.url_open(self.code_page_url(), allow_redirects=False)
        self.assertEqual(nothing.status_code, 303)
        self.assertTrue(nothing.headers["Location"].endswith(f"/my/loyalty/{self.account.id}"))
        self.assertFalse(self.challenges())
        self.assertEqual(
            self.post_request().headers["Location"].split("?")[0], self.code_page_url().split("?")[0]
        )
        challenge = self.challenges()
        for _reload in range(2):
            page = self.url_open(self.code_page_url())
            self.assertEqual(page.status_code, 200, "a reload is never Method Not Allowed")
            self.assertIn("We sent a 6-digit code", page.text)
            self.assertIn(f'name="challenge_id" value="{challenge.id}"', page.text)
        self.env.invalidate_all()
        self.assertEqual((len(self.challenges()), challenge.sms_count), (1, 1), "a reload sends nothing")
        self.assertEqual(self.post_request(challenge_id=challenge.id, otp_code=CODE).status_code, 303)
        # The code is used: the page is gone, the reload goes back to the account.
        self.assertEqual(self.url_open(self.code_page_url(), allow_redirects=False).status_code, 303)

    @mute_logger("odoo.http")
    def test_code_not_sent_told_in_client_words(self):
        new_test_user(self.env, login="jane_portal", groups="base.group_portal", partner_id=self.client.id)
        self.authenticate("jane_portal", "jane_portal")
        self.post_request(sim_error="credit")
        challenge = self.challenges()
        self.assertEqual(challenge.state, "send_failed")
        page = self.url_open(self.code_page_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("We could not send a code to your phone", page.text)
        self.assertNotIn("We sent", page.text)
        self.assertNotIn("payment method", page.text)
        self.assertNotIn('name="otp_code"', page.text, "no code to type when none was sent")
        self.assertIn("Send a new code", page.text)
        # A code typed anyway is answered in the client's words too.
        page = self.post_request(challenge_id=challenge.id, otp_code=CODE)
        self.assertEqual(page.status_code, 409)
        self.assertIn("We could not send a code to your phone", page.text)
        self.assertNotIn("payment method", page.text)
        # A wrong number is the clinic's to correct.
        challenge.sudo().state = "cancelled"
        self.post_request(sim_error="wrong_number_format")
        page = self.url_open(self.code_page_url())
        self.assertIn("cannot receive SMS", page.text)
