from odoo import _, api, models
from odoo.exceptions import UserError

from ..tools import otp_messages


class ClinicLoyaltyRewardRequest(models.Model):
    """A request the client makes on the portal is confirmed with the code
    sent to the account's number, when the clinic requires codes.

    Portal access is only as strong as the login: anyone with Contact
    Creation can grant a contact portal access to an email they read, or edit
    the email a password reset goes to. So the portal follows the counter's
    rule; the portal user's own limits apply (the challenge's ``user_id``)."""

    _inherit = "clinic.loyalty.reward.request"

    @api.model
    def _otp_portal_origin_ref(self, reward):
        return f"portal:{reward.id}"

    @api.model
    def _otp_portal_issue(self, account, reward):
        """Send a code for requesting ``reward`` on ``account`` (the portal
        user's own, checked by the controller)."""
        self.env["clinic.loyalty.otp.event"]._check_cashier_limits()
        reward = reward.sudo()
        return self.env["clinic.loyalty.otp.challenge"]._issue(
            account.sudo(), reward, reward.value, origin_ref=self._otp_portal_origin_ref(reward)
        )

    @api.model
    def _otp_portal_challenge(self, account, reward, challenge_id):
        """The portal user's own challenge for this account and reward."""
        Challenge = self.env["clinic.loyalty.otp.challenge"].sudo()
        try:
            challenge = Challenge.browse(int(challenge_id or 0)).exists()
        except (TypeError, ValueError):
            challenge = Challenge
        if (
            not challenge
            or challenge.user_id != self.env.user
            or challenge.account_id != account
            or challenge.origin_ref != self._otp_portal_origin_ref(reward)
        ):
            raise UserError(_("This code request is not valid any more: ask for a new code."))
        return challenge

    @api.model
    def _otp_portal_verify(self, challenge, code):
        """Check the code the client typed for ``challenge``; the counters and
        locks of the counter apply. Returns the challenge's state afterwards."""
        message, refused = challenge._verify_for_caller(code)
        if not refused and challenge.state == "send_failed":
            raise UserError(otp_messages.portal_sms_failure(self.env, challenge.send_failure_type))
        if refused or challenge.state not in ("sent", "verified"):
            raise UserError(message or challenge._otp_public_data()["message"])
        return challenge.state

    @api.model
    def _otp_portal_pending(self, account, reward):
        """The portal user's latest code for requesting ``reward`` on
        ``account`` that is still waiting for the client (a reload of the
        code page shows it again)."""
        return (
            self.env["clinic.loyalty.otp.challenge"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.env.uid),
                    ("account_id", "=", account.id),
                    ("origin_ref", "=", self._otp_portal_origin_ref(reward)),
                    ("state", "in", ("pending", "sent", "send_failed")),
                ],
                limit=1,
            )
        )
