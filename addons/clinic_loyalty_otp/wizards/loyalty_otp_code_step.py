from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ClinicLoyaltyOtpCodeStep(models.AbstractModel):
    """The code step of a back-office wizard that spends points (redeem a
    reward, pay an invoice with points): Send code, then the client reads it
    back and the wizard checks it before it spends anything."""

    _name = "clinic.loyalty.otp.code.step"
    _description = "One-time code step of a wizard"

    otp_challenge_id = fields.Many2one("clinic.loyalty.otp.challenge", readonly=True)
    otp_code = fields.Char(string="Code from the client's SMS", size=6)
    otp_message = fields.Char(readonly=True)
    otp_state = fields.Char(compute="_compute_otp_state")

    @api.depends("otp_challenge_id")
    def _compute_otp_state(self):
        for wizard in self:
            wizard.otp_state = wizard.otp_challenge_id.sudo().state or False

    def _otp_step_title(self):
        """The wizard's title when it opens again."""
        return self._description

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self._otp_step_title(),
            "context": self.env.context,
        }

    def _otp_show(self, data):
        """Show the challenge ``data`` (``otp_request``/``otp_resend``) sent."""
        self.write({"otp_challenge_id": data["id"], "otp_message": data["message"], "otp_code": False})
        return self._reopen()

    def _otp_verified_or_reopen(self):
        """None once the code is verified (the code typed is checked here);
        else the wizard again with the reason. A wrong code returns the
        wizard, not an exception, so the failure counters are committed."""
        if not self.otp_challenge_id:
            raise UserError(_("Send the code to the client first, then enter it."))
        challenge = self.otp_challenge_id.sudo()
        if challenge.state != "verified":
            result = self.env["clinic.loyalty.otp.challenge"].otp_verify(challenge.id, self.otp_code or "")
            if result["state"] != "verified":
                self.write({"otp_message": result["message"], "otp_code": False})
                return self._reopen()
        return None
