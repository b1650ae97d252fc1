"""When the code cannot reach the client, the back-office code screens say
why, count down to the next send instead of refusing, and offer a way out."""

from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import CODE, OtpCommonMixin
from .test_invoice_points_payment import InvoicePointsCommon


@tagged("post_install", "-at_install")
class TestRedeemWizardFailure(OtpCommonMixin, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic()

    def wizard(self):
        return (
            self.env["clinic.loyalty.redeem.wizard"]
            .with_user(self.cashier)
            .create({"account_id": self.account.id, "reward_id": self.reward.id})
        )

    def send(self, wizard, sim_error=None):
        with self.fixed_code(CODE), self.mockSMSGateway(sim_error=sim_error):
            action = wizard.action_otp_send()
            self.run_postcommit()
        return action

    def test_real_reason_and_countdown(self):
        wizard = self.wizard()
        self.send(wizard, sim_error="credit")
        challenge = wizard.otp_challenge_id.sudo()
        self.assertEqual(wizard.otp_state, "send_failed")
        self.assertIn("no SMS credits", wizard.otp_status)
        self.assertGreater(wizard.otp_resend_in, 50)
        self.assertLessEqual(wizard.otp_resend_in, 61)
        # A second click too early: no error, no SMS, the countdown again.
        action = self.send(wizard)
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual((wizard.otp_challenge_id, challenge.sms_count), (challenge, 0))
        self.assertFalse(wizard.otp_message)
        self.assertGreater(wizard.otp_resend_in, 0)
        # Once the delay is over the code goes again, and its state is read live.
        challenge.last_sent_at -= timedelta(seconds=61)
        wizard.invalidate_recordset()
        self.assertEqual(wizard.otp_resend_in, 0)
        self.send(wizard)
        self.assertEqual(wizard.otp_state, "sent")
        self.assertIn("Code sent to", wizard.otp_status)
        self.assertSMSIapSent(["+32470123456"], content=CODE)

    def test_wrong_number_reason(self):
        wizard = self.wizard()
        self.send(wizard, sim_error="wrong_number_format")
        self.assertIn("cannot receive SMS", wizard.otp_status)

    def test_client_cannot_receive_the_code(self):
        wizard = self.wizard()
        self.send(wizard, sim_error="server_error")
        challenge = wizard.otp_challenge_id.sudo()
        action = wizard.action_otp_unreachable()
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertEqual(challenge.state, "cancelled")
        self.assertFalse(wizard.otp_challenge_id)
        self.assertEqual(self.account.balance, 100)


@tagged("post_install", "-at_install")
class TestPaymentWizardFailure(InvoicePointsCommon):
    def test_pay_another_way(self):
        wizard = self.wizard(30.0)
        with self.fixed_code(CODE), self.mockSMSGateway(sim_error="credit"):
            wizard.action_loyalty_otp_send()
            self.run_postcommit()
        self.assertEqual(wizard.otp_state, "send_failed")
        self.assertIn("no SMS credits", wizard.otp_status)
        self.assertGreater(wizard.otp_resend_in, 0)
        challenge = wizard.otp_challenge_id.sudo()
        action = wizard.action_otp_unreachable()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(challenge.state, "cancelled")
        self.assertNotEqual(wizard.journal_id, self.journal)
        self.assertFalse(wizard.loyalty_points_payment)
        self.assertIn("another way", wizard.otp_message)
        wizard.with_user(self.env.user).action_create_payments()
        self.assertEqual(self.invoice.amount_residual, 70.0)
        self.assertFalse(self.points_payments(self.invoice))

    def test_pending_then_sent_read_live(self):
        wizard = self.wizard(30.0)
        with self.fixed_code(CODE), self.mockSMSGateway():
            wizard.action_loyalty_otp_send()
            self.assertEqual(wizard.otp_state, "pending")
            self.run_postcommit()
        self.assertEqual(wizard.otp_state, "sent")
        self.assertIn("Code sent to", wizard.otp_status)
