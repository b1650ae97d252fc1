# One idea per file: portal requests apart from the staff calls (loyalty_otp_challenge_rpc.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models
from odoo.exceptions import UserError

from ..tools import otp_messages


class ClinicLoyaltyOtpChallenge(models.Model):
    """Codes for requests the client makes on the portal.

    Portal access is only as strong as the login: anyone with Contact
    Creation can grant a contact portal access to an email they read, or edit
    the email a password reset goes to. So when the clinic requires codes, a
    portal request is confirmed with the code sent to the account's number,
    as at the counter; the portal user's own limits apply (``user_id``)."""

    _inherit = "clinic.loyalty.otp.challenge"

    @api.model
    def _portal_origin_ref(self, reward):
        return f"portal:{reward.id}"

    @api.model
    def _portal_issue(self, account, reward):
        """Send a code for requesting ``reward`` on ``account`` (the portal
        user's own, checked by the controller)."""
        self._check_cashier_limits()
        reward = reward.sudo()
        return self._issue(account.sudo(), reward, reward.value, origin_ref=self._portal_origin_ref(reward))

    @api.model
    def _portal_challenge(self, account, reward, challenge_id):
        """The portal user's own challenge for this account and reward."""
        try:
            challenge = self.sudo().browse(int(challenge_id or 0)).exists()
        except (TypeError, ValueError):
            challenge = self.sudo()
        if (
            not challenge
            or challenge.user_id != self.env.user
            or challenge.account_id != account
            or challenge.origin_ref != self._portal_origin_ref(reward)
        ):
            raise UserError(_("This code request is not valid any more: ask for a new code."))
        return challenge

    def _portal_verify(self, code):
        """Check the code the client typed; the counters and locks of the
        counter apply. Returns the challenge's state afterwards."""
        self.ensure_one()
        self._lock_row()
        if self.env["clinic.loyalty.otp.event"].sudo()._otp_limit_reached("cashier_failures"):
            raise UserError(otp_messages.cashier_failures_refusal(self.env))
        message = self._verify(code)
        if self.state == "send_failed":
            raise UserError(otp_messages.portal_sms_failure(self.env, self.send_failure_type))
        if self.state not in ("sent", "verified"):
            raise UserError(message or self._otp_public_data()["message"])
        return self.state

    @api.model
    def _portal_pending(self, account, reward):
        """The portal user's latest code for requesting ``reward`` on
        ``account`` that is still waiting for the client (a reload of the
        code page shows it again)."""
        return self.sudo().search(
            [
                ("user_id", "=", self.env.uid),
                ("account_id", "=", account.id),
                ("origin_ref", "=", self._portal_origin_ref(reward)),
                ("state", "in", ("pending", "sent", "send_failed")),
            ],
            limit=1,
        )
