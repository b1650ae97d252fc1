"""An invoice paid with points asks for the client's one-time code, as the
back-office redemption does: Send code, then enter it to create the payment."""

from odoo import _, api, fields, models


class AccountPaymentRegister(models.TransientModel):
    _name = "account.payment.register"
    _inherit = ["account.payment.register", "clinic.loyalty.otp.code.step"]

    loyalty_otp_required = fields.Boolean(compute="_compute_loyalty_otp_required")

    @api.depends("loyalty_points_payment", "company_id")
    def _compute_loyalty_otp_required(self):
        for wizard in self:
            wizard.loyalty_otp_required = (
                wizard.loyalty_points_payment and wizard.company_id.sudo().loyalty_otp_required
            )

    def _otp_origin_ref(self, invoice):
        return f"account.move:{invoice.id}"

    def _otp_step_title(self):
        return _("Pay")

    def action_loyalty_otp_send(self):
        """Send the client a code for exactly these points and this amount
        (a code already sent for them is sent again)."""
        self.ensure_one()
        invoice = self._loyalty_invoice()
        points = self._loyalty_check_points(invoice)
        Challenge = self.env["clinic.loyalty.otp.challenge"]
        self.env.user._loyalty_check_otp_staff()
        current = self.otp_challenge_id.sudo()
        if (
            current.state in ("sent", "send_failed")
            and current.points == points
            and not self.currency_id.compare_amounts(current.value, self.amount)
        ):
            if self._otp_resend_waits():
                return self._reopen()
            data = Challenge.otp_resend(current.id)
        else:
            self.env["clinic.loyalty.otp.event"]._check_cashier_limits()
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
        return self._otp_show(data)

    def action_otp_unreachable(self):
        """The client cannot receive the code: cancel it and take the payment
        another way (the wizard opens again on another journal)."""
        super().action_otp_unreachable()
        points_journal = self.company_id.sudo().loyalty_payment_journal_id
        other = self.available_journal_ids.filtered(lambda j: j != points_journal)[:1]
        if other:
            amount = self.amount  # the same part of the invoice, paid another way
            self.journal_id = other
            self.amount = amount
        self.otp_message = _("The code was cancelled: take the payment another way.")
        return self._reopen()

    def action_create_payments(self):
        """Check the code first (a wrong one returns the wizard)."""
        if not (len(self) == 1 and self.loyalty_otp_required):
            return super().action_create_payments()
        return self._otp_verified_or_reopen() or super().action_create_payments()

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
