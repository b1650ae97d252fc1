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

    def post_request(self, **data):
        url = f"/my/loyalty/{self.account.id}/request"
        data = {"reward_id": self.reward.id, "csrf_token": self.csrf(), **data}
        with (
            self.fixed_code(),
            self.mockSMSGateway(),
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
        page = self.post_request()
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
