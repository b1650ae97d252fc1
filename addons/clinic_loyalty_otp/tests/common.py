from contextlib import contextmanager
from unittest.mock import patch

from odoo.addons.clinic_loyalty.tests.common import LoyaltyBuilders
from odoo.addons.clinic_loyalty_otp.models.loyalty_otp_challenge import ClinicLoyaltyOtpChallenge

CODE = "493817"  # distinctive, so scanning tables and logs for it means something


class OtpCommonMixin(LoyaltyBuilders):
    """Builds one clinic with the programme On, a reward, a client with
    points, a front-desk cashier and a Loyalty Manager (with the builders of
    clinic_loyalty's :class:`LoyaltyBuilders`). Use with an
    ``SMSCase``/``MockSMS`` class (their mocks need an HttpCase)."""

    @classmethod
    def _setup_otp_clinic(cls, company=None):
        env = cls.env(su=True)  # some bases (accounting tests) run as a restricted user
        cls.company = company or env.company
        cls.company.write({"country_id": env.ref("base.be").id, "loyalty_otp_required": True})
        cls.reward = env["clinic.loyalty.reward"].create(
            {
                "name": "Free nail clipping",
                "points_cost": 40,
                "value": 12.0,
                "company_id": cls.company.id,
            }
        )
        cls.big_reward = env["clinic.loyalty.reward"].create(
            {
                "name": "Free consultation",
                "points_cost": 90,
                "value": 45.0,
                "company_id": cls.company.id,
            }
        )
        env["product.template"].create(
            {
                "name": "Consultation",
                "loyalty_eligible": True,
                "company_id": cls.company.id,
            }
        )
        cls.company.loyalty_status = "on"
        cls.client = env["res.partner"].create(
            {
                "name": "Jane Petowner",
                "mobile": "0470 12 34 56",
                "country_id": env.ref("base.be").id,
                "company_id": False,
            }
        )
        cls.other_client = env["res.partner"].create(
            {
                "name": "Other Petowner",
                "mobile": "+32 471 99 88 77",
            }
        )
        cls.account = cls._account_with_points(
            cls.client, cls.company, 100, "otp-test-seed-1", sudo=True, reason="seed"
        )
        cls.other_account = cls._account_with_points(
            cls.other_client, cls.company, 100, "otp-test-seed-2", sudo=True, reason="seed"
        )
        cls.cashier = cls._new_user("otp_cashier", "front_desk", cls.company)
        cls.cashier2 = cls._new_user("otp_cashier2", "front_desk", cls.company)
        cls.manager = cls._new_user("otp_manager", "manager", cls.company)
        cls.Challenge = env["clinic.loyalty.otp.challenge"]

    @contextmanager
    def fixed_code(self, code=CODE):
        with patch.object(ClinicLoyaltyOtpChallenge, "_generate_code", return_value=code):
            yield

    def send_code(self, user=None, partner=None, reward=None, code=CODE, sim_error=None, **kwargs):
        """Request a code as ``user`` and run the post-commit SMS sending."""
        user = user or self.cashier
        with self.fixed_code(code), self.mockSMSGateway(sim_error=sim_error):
            data = self.Challenge.with_user(user).otp_request(
                (partner or self.client).id, (reward or self.reward).id, **kwargs
            )
            self.run_postcommit()  # the SMS was sent from another cursor
        return data

    def resend(self, challenge_id, user=None, code=CODE, sim_error=None):
        with self.fixed_code(code), self.mockSMSGateway(sim_error=sim_error):
            data = self.Challenge.with_user(user or self.cashier).otp_resend(challenge_id)
            self.run_postcommit()  # the SMS was sent from another cursor
        return data

    def run_postcommit(self):
        """What a real commit does: flush, then run the post-commit hooks
        (they write on another cursor, so drop the cache afterwards)."""
        self.env.flush_all()
        self.env.cr.postcommit.run()
        self.env.invalidate_all()

    def verify(self, challenge_id, code=CODE, user=None):
        return self.Challenge.with_user(user or self.cashier).otp_verify(challenge_id, code)

    def redeem(self, challenge_id, account=None, points=40, key="otp-redeem-1", user=None, **binding):
        account = (account or self.account).with_user(user or self.cashier)
        challenge = self.Challenge.browse(challenge_id)
        return account._redeem(
            points, "counter", key, consent="staff", challenge=challenge, otp_binding=binding or None
        )

    def challenge(self, data):
        return self.Challenge.sudo().browse(data["id"])

    def client_with_points(self, **vals):
        partner = self.env["res.partner"].create({"name": "New Petowner", **vals})
        Account = self.env["clinic.loyalty.account"].sudo()
        account = Account._account_for(partner, self.company)
        Account._post_entries(
            [{"account_id": account.id, "points": 50, "kind": "adjustment", "key": f"seed-{partner.id}"}]
        )
        return partner, account
