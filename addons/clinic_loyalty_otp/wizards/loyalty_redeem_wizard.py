from odoo import _, fields, models
from odoo.exceptions import UserError


class ClinicLoyaltyRedeemWizard(models.TransientModel):
    """ "Redeem reward" in the back office runs the same one-time code as the
    POS when the clinic requires it: Send code, then enter it to redeem."""

    _name = "clinic.loyalty.redeem.wizard"
    _inherit = ["clinic.loyalty.redeem.wizard", "clinic.loyalty.otp.code.step"]

    otp_required = fields.Boolean(related="company_id.loyalty_otp_required")

    def _otp_origin_ref(self):
        return f"redeem-wizard:{self.id}"

    def _otp_step_title(self):
        return _("Redeem reward")

    def action_otp_send(self):
        self.ensure_one()
        if not self.reward_id:
            raise UserError(_("Choose the reward first."))
        Challenge = self.env["clinic.loyalty.otp.challenge"]
        if self._otp_resend_waits():
            return self._reopen()
        if self.otp_challenge_id and self.otp_challenge_id.sudo().state in ("sent", "send_failed"):
            data = Challenge.otp_resend(self.otp_challenge_id.id)
        else:
            data = Challenge.otp_request(
                self.account_id.partner_id.id, self.reward_id.id, origin_ref=self._otp_origin_ref()
            )
        return self._otp_show(data)

    def action_redeem(self):
        """Check the code first. A wrong code returns the wizard with a
        message (no exception), so the failure counters are committed."""
        self.ensure_one()
        if not self.otp_required:
            return super().action_redeem()
        if self.otp_challenge_id and self.otp_challenge_id.sudo().reward_id != self.reward_id:
            raise UserError(_("The reward changed after the code was sent: send a new code."))
        return self._otp_verified_or_reopen() or super().action_redeem()

    def _redeem_kwargs(self):
        kwargs = super()._redeem_kwargs()
        if self.otp_required and self.otp_challenge_id:
            kwargs.update(
                challenge=self.otp_challenge_id.sudo(), otp_binding={"origin_ref": self._otp_origin_ref()}
            )
        return kwargs
