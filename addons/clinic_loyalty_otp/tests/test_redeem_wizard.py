from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin


@tagged("post_install", "-at_install")
class TestRedeemWizard(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    def wizard(self, reward=None):
        return (
            self.env["clinic.loyalty.redeem.wizard"]
            .with_user(self.cashier)
            .create(
                {
                    "account_id": self.account.id,
                    "reward_id": (reward or self.reward).id,
                }
            )
        )

    def send(self, wizard, code=CODE):
        with self.fixed_code(code), self.mockSMSGateway():
            wizard.action_otp_send()
            self.run_postcommit()

    def test_code_required_then_redeemed(self):
        wizard = self.wizard()
        with self.assertRaisesRegex(UserError, "Send the code"):
            wizard.action_redeem()
        self.send(wizard)
        self.assertEqual(wizard.otp_state, "sent")
        self.assertEqual(wizard.otp_challenge_id.origin_ref, f"redeem-wizard:{wizard.id}")
        self.assertSMSIapSent(["+32470123456"], content=CODE)
        wizard.otp_code = "000000"
        action = wizard.action_redeem()
        self.assertEqual(action["res_id"], wizard.id, "a wrong code reopens the wizard, no exception")
        self.assertIn("Wrong code", wizard.otp_message)
        self.assertEqual(wizard.otp_challenge_id.sudo().attempts, 1)
        self.assertEqual(self.account.balance, 100)
        wizard.otp_code = CODE
        wizard.action_redeem()
        self.assertEqual(self.account.balance, 60)
        self.assertEqual(wizard.otp_challenge_id.sudo().state, "used")
        request = (
            self.env["clinic.loyalty.reward.request"].sudo().search([("account_id", "=", self.account.id)])
        )
        self.assertEqual(request.reward_id, self.reward)

    def test_code_of_another_wizard_refused(self):
        first, second = self.wizard(), self.wizard()
        self.send(first)
        first.otp_code = CODE
        first.env["clinic.loyalty.otp.challenge"].otp_verify(first.otp_challenge_id.id, CODE)
        second.otp_challenge_id = first.otp_challenge_id
        with self.assertRaisesRegex(UserError, "does not match"):
            second.action_redeem()
        self.assertEqual(self.account.balance, 100)

    def test_reward_changed_after_sending(self):
        wizard = self.wizard()
        self.send(wizard)
        wizard.reward_id = self.big_reward
        wizard.otp_code = CODE
        with self.assertRaisesRegex(UserError, "reward changed"):
            wizard.action_redeem()
        self.assertEqual(self.account.balance, 100)

    def test_setting_off_redeems_directly(self):
        self.company.loyalty_otp_required = False
        self.wizard().action_redeem()
        self.assertEqual(self.account.balance, 60)
