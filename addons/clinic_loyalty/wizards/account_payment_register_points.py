"""Register Payment → journal "Loyalty points payments": the client pays the
invoice with points, as at the counter (Clinicea's "Payment mode: Points")."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.account_payment_points import POINTS_PAYMENT


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    loyalty_points_payment = fields.Boolean(compute="_compute_loyalty_points")
    loyalty_points = fields.Integer(
        string="Points to spend", compute="_compute_loyalty_points", help="Amount / value of one point."
    )
    loyalty_balance = fields.Integer(string="Client's points", compute="_compute_loyalty_points")

    @api.depends("journal_id", "amount", "company_id", "partner_id")
    def _compute_loyalty_points(self):
        for wizard in self:
            company = wizard.company_id.sudo()
            points_payment = bool(company.loyalty_payment_journal_id) and (
                wizard.journal_id == company.loyalty_payment_journal_id
            )
            value = company.loyalty_point_value
            wizard.loyalty_points_payment = points_payment
            wizard.loyalty_points = round(wizard.amount / value) if points_payment and value else 0
            account = (
                self.env["clinic.loyalty.account"].sudo()._lookup(wizard.partner_id, company)
                if points_payment and wizard.partner_id
                else False
            )
            wizard.loyalty_balance = account.balance if account else 0

    def _loyalty_invoice(self):
        """The one customer invoice this points payment pays; refuses with a
        sentence what points cannot pay."""
        self.ensure_one()
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_user"):
            raise AccessError(_("Only Loyalty Users can take payments in loyalty points."))
        invoice = self.line_ids.move_id
        if len(invoice) != 1 or invoice.move_type != "out_invoice" or invoice.state != "posted":
            raise UserError(_("Loyalty points pay one posted customer invoice at a time: select only one."))
        currency = self.company_id.currency_id
        if self.currency_id != currency:
            raise UserError(
                _("Loyalty points pay in %(currency)s only: change the currency.", currency=currency.name)
            )
        if currency.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(_("Enter the amount the client pays with points."))
        if currency.compare_amounts(self.amount, abs(invoice.amount_residual)) > 0:
            raise UserError(
                _(
                    "At most %(due)s is left to pay on %(invoice)s: points never pay more than is due.",
                    due=abs(invoice.amount_residual),
                    invoice=invoice.name,
                )
            )
        if self.payment_difference_handling == "reconcile" and not currency.is_zero(self.payment_difference):
            raise UserError(_("A payment with points leaves the rest of the invoice open: keep it open."))
        return invoice

    def _loyalty_check_points(self, invoice):
        """The client can pay this amount with points now (a sentence
        otherwise): a value of one point, a whole number of points, enough."""
        self.ensure_one()
        points = (
            self.env["account.payment"]
            .new({"company_id": self.company_id.id})
            ._loyalty_points_for(self.amount)
        )
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            ._account_for(invoice.commercial_partner_id, self.company_id)
        )
        if account.balance < points:
            raise UserError(
                _(
                    "%(client)s has %(balance)s points: paying %(amount)s needs %(points)s. Pay less with "
                    "points, or another way.",
                    client=invoice.commercial_partner_id.name,
                    balance=account.balance,
                    amount=self.amount,
                    points=points,
                )
            )
        return points

    def _create_payments(self):
        if not self.loyalty_points_payment:
            return super()._create_payments()
        # Two desks paying the same invoice: the second waits, then sees what is left.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.line_ids.move_id.ids),
            )
        )
        self.line_ids.move_id.invalidate_recordset(["amount_residual"])
        invoice = self._loyalty_invoice()
        self._loyalty_check_points(invoice)
        token = POINTS_PAYMENT.set({"invoice": invoice, "kwargs": self._loyalty_redeem_kwargs()})
        try:
            return super()._create_payments()
        finally:
            POINTS_PAYMENT.reset(token)

    def _loyalty_redeem_kwargs(self):
        """Extra arguments for ``clinic.loyalty.account._redeem`` (extension
        point: the OTP addon passes the client's verified one-time code)."""
        return {}
