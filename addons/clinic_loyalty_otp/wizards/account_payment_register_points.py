"""An invoice paid with points asks for the client's one-time code, as the
back-office redemption does: Send code, then enter it to create the payment."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    loyalty_otp_required = fields.Boolean(compute="_compute_loyalty_otp_required")
    otp_challenge_id = fields.Many2one("clinic.loyalty.otp.challenge", readonly=True)
    otp_code = fields.Char(string="Code from the client's SMS", size=6)
    otp_message = fields.Char(readonly=True)
    otp_state = fields.Char(compute="_compute_otp_state")

    @api.depends("loyalty_points_payment", "company_id")
    def _compute_loyalty_otp_required(self):
        for wizard in self:
            wizard.loyalty_otp_required = (
                wizard.loyalty_points_payment and wizard.company_id.sudo().loyalty_otp_required
            )

    @api.depends("otp_challenge_id")
    def _compute_otp_state(self):
        for wizard in self:
            wizard.otp_state = wizard.otp_challenge_id.sudo().state or False

    def _otp_origin_ref(self, invoice):
        return f"account.move:{invoice.id}"

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Pay"),
            "context": self.env.context,
        }

    def action_loyalty_otp_send(self):
        """Send the client a code for exactly these points and this amount
        (a code already sent for them is sent again)."""
        self.ensure_one()
        invoice = self._loyalty_invoice()
        points = self._loyalty_check_points(invoice)
        Challenge = self.env["clinic.loyalty.otp.challenge"]
        Challenge._check_otp_access()
        current = self.otp_challenge_id.sudo()
        if (
            current.state in ("sent", "send_failed")
            and current.points == points
            and not self.currency_id.compare_amounts(current.value, self.amount)
        ):
            data = Challenge.otp_resend(current.id)
        else:
            Challenge._check_cashier_limits()
            account = (
                self.env["clinic.loyalty.account"]
                .sudo()
                ._account_for(invoice.commercial_partner_id, self.company_id)
            )
            challenge = Challenge._issue(
                account,
                self.env["clinic.loyalty.reward"],
                self.amount,
                origin_ref=self._otp_origin_ref(invoice),
                points=points,
            )
            data = challenge._otp_public_data()
        self.write({"otp_challenge_id": data["id"], "otp_message": data["message"], "otp_code": False})
        return self._reopen()

    def action_create_payments(self):
        """Check the code first. A wrong code returns the wizard with a
        message (no exception), so the failure counters are committed."""
        if not (len(self) == 1 and self.loyalty_otp_required):
            return super().action_create_payments()
        if not self.otp_challenge_id:
            raise UserError(_("Send the code to the client first, then enter it."))
        challenge = self.otp_challenge_id.sudo()
        if challenge.state != "verified":
            result = self.env["clinic.loyalty.otp.challenge"].otp_verify(challenge.id, self.otp_code or "")
            if result["state"] != "verified":
                self.write({"otp_message": result["message"], "otp_code": False})
                return self._reopen()
        return super().action_create_payments()

    def _loyalty_redeem_kwargs(self):
        kwargs = super()._loyalty_redeem_kwargs()
        if self.otp_challenge_id:
            invoice = self.line_ids.move_id
            kwargs.update(
                challenge=self.otp_challenge_id.sudo(),
                otp_binding={
                    "value": self.amount,
                    "origin_ref": self._otp_origin_ref(invoice),
                    "partner": invoice.commercial_partner_id,
                },
            )
        return kwargs
