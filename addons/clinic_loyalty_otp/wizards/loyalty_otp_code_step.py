from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.loyalty_otp_event import RESEND_DELAY
from ..tools import otp_messages


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
    otp_status = fields.Char(string="One-time code", compute="_compute_otp_state")
    otp_resend_in = fields.Integer(string="Resend possible in (seconds)", compute="_compute_otp_state")

    @api.depends("otp_challenge_id")
    def _compute_otp_state(self):
        """Read live (the SMS leaves after the click's transaction): the
        state, what it means (the real reason when the SMS failed), and the
        seconds left before the code can be sent again."""
        now = fields.Datetime.now()
        for wizard in self:
            challenge = wizard.otp_challenge_id.sudo()
            challenge.invalidate_recordset(["state", "send_error", "last_sent_at"])
            wizard.otp_state = challenge.state or False
            wizard.otp_status = otp_messages.state_message(self.env, challenge) if challenge else False
            wait = 0
            if challenge.state in ("sent", "send_failed") and challenge.last_sent_at:
                wait = int((challenge.last_sent_at + RESEND_DELAY - now).total_seconds()) + 1
            wizard.otp_resend_in = max(wait, 0)

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
        """Show the challenge ``data`` (``otp_request``/``otp_resend``) sent:
        its state is read live (``otp_status``), so no notice is kept."""
        self.write({"otp_challenge_id": data["id"], "otp_message": False, "otp_code": False})
        return self._reopen()

    def _otp_resend_waits(self):
        """True (and the wizard shows the countdown) when the current code
        cannot be sent again yet: a click too early is no error."""
        self.ensure_one()
        if self.otp_challenge_id.sudo().state in ("sent", "send_failed") and self.otp_resend_in:
            self.otp_message = False
            return True
        return False

    def action_otp_refresh(self):
        """Read the code's state again (the SMS leaves after the click)."""
        self.ensure_one()
        self.otp_message = False
        return self._reopen()

    def action_otp_unreachable(self):
        """The client cannot receive the code: cancel it (extension point:
        each wizard then offers its other way)."""
        self.ensure_one()
        if self.otp_challenge_id:
            self.env["clinic.loyalty.otp.challenge"].otp_cancel(self.otp_challenge_id.id)
        self.write({"otp_challenge_id": False, "otp_code": False, "otp_message": False})
        return {"type": "ir.actions.act_window_close"}

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
