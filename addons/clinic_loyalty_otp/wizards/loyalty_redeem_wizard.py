from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ClinicLoyaltyRedeemWizard(models.TransientModel):
    """ "Redeem reward" in the back office runs the same one-time code as the
    POS when the clinic requires it: Send code, then enter it to redeem."""

    _inherit = "clinic.loyalty.redeem.wizard"

    otp_required = fields.Boolean(related="company_id.loyalty_otp_required")
    otp_challenge_id = fields.Many2one("clinic.loyalty.otp.challenge", readonly=True)
    otp_code = fields.Char(string="Code from the client's SMS", size=6)
    otp_message = fields.Char(readonly=True)
    otp_state = fields.Char(compute="_compute_otp_state")

    @api.depends("otp_challenge_id")
    def _compute_otp_state(self):
        for wizard in self:
            wizard.otp_state = wizard.otp_challenge_id.sudo().state or False

    def _otp_origin_ref(self):
        return f"redeem-wizard:{self.id}"

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Redeem reward"),
        }

    def action_otp_send(self):
        self.ensure_one()
        if not self.reward_id:
            raise UserError(_("Choose the reward first."))
        Challenge = self.env["clinic.loyalty.otp.challenge"]
        if self.otp_challenge_id and self.otp_challenge_id.sudo().state in ("sent", "send_failed"):
            data = Challenge.otp_resend(self.otp_challenge_id.id)
        else:
            data = Challenge.otp_request(
                self.account_id.partner_id.id, self.reward_id.id, origin_ref=self._otp_origin_ref()
            )
        self.write({"otp_challenge_id": data["id"], "otp_message": data["message"], "otp_code": False})
        return self._reopen()

    def action_otp_refresh(self):
        self.ensure_one()
        if self.otp_challenge_id:
            self.otp_message = self.env["clinic.loyalty.otp.challenge"].otp_status(self.otp_challenge_id.id)[
                "message"
            ]
        return self._reopen()

    def action_redeem(self):
        """Check the code first. A wrong code returns the wizard with a
        message (no exception), so the failure counters are committed."""
        self.ensure_one()
        if not self.otp_required:
            return super().action_redeem()
        if not self.otp_challenge_id:
            raise UserError(_("Send the code to the client first, then enter it."))
        challenge = self.otp_challenge_id.sudo()
        if challenge.reward_id != self.reward_id:
            raise UserError(_("The reward changed after the code was sent: send a new code."))
        if challenge.state != "verified":
            result = self.env["clinic.loyalty.otp.challenge"].otp_verify(challenge.id, self.otp_code or "")
            if result["state"] != "verified":
                self.write({"otp_message": result["message"], "otp_code": False})
                return self._reopen()
        return super().action_redeem()

    def _redeem_kwargs(self):
        kwargs = super()._redeem_kwargs()
        if self.otp_required and self.otp_challenge_id:
            kwargs.update(
                challenge=self.otp_challenge_id.sudo(), otp_binding={"origin_ref": self._otp_origin_ref()}
            )
        return kwargs
