"""Register Payment → journal "Loyalty points payments": the client pays the
invoice with points, as at the counter (Clinicea's "Payment mode: Points")."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from ..models.account_payment_points import POINTS_PAYMENT
from ..tools.points_payment import payable_points


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    loyalty_points_payment = fields.Boolean(compute="_compute_loyalty_points")
    loyalty_points = fields.Integer(
        string="Points to spend", compute="_compute_loyalty_points", help="Amount / value of one point."
    )
    loyalty_balance = fields.Integer(string="Client's points", compute="_compute_loyalty_points")
    loyalty_points_hint = fields.Char(string="Points can pay", compute="_compute_loyalty_points")

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
            wizard.loyalty_points_hint = wizard._loyalty_hint() if points_payment and value else False

    @api.depends("journal_id", "partner_id")
    def _compute_amount(self):
        """On the points journal, propose what the client's points can pay:
        whole points, at most what is due (an amount typed stays)."""
        res = super()._compute_amount()
        for wizard in self:
            company = wizard.company_id.sudo()
            if (
                wizard.custom_user_amount
                or not company.loyalty_payment_journal_id
                or wizard.journal_id != company.loyalty_payment_journal_id
                or not company.loyalty_point_value
                or wizard.currency_id != company.currency_id
            ):
                continue
            wizard.amount = wizard._loyalty_payable()[1]
        return res

    def _loyalty_payable(self):
        """(points, amount): the most the client's points pay on what is due."""
        self.ensure_one()
        company = self.company_id.sudo()
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )
        due = (
            abs(sum(self.line_ids.move_id.mapped("amount_residual"))) if self.line_ids else self.source_amount
        )
        return payable_points(
            account.balance if account else 0, due, company.loyalty_point_value, company.currency_id
        )

    def _loyalty_hint(self):
        """What the client's points can pay, in a sentence with the currency."""
        points, amount = self._loyalty_payable()
        return _(
            "%(balance)s points pay at most %(amount)s here (%(points)s points).",
            balance=self.loyalty_balance,
            amount=format_amount(self.env, amount, self.company_id.currency_id),
            points=points,
        )

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
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            ._account_for(invoice.commercial_partner_id, self.company_id)
        )
        company = self.company_id.sudo()
        currency = company.currency_id
        value = company.loyalty_point_value
        if value:
            most_points, most = payable_points(account.balance, abs(invoice.amount_residual), value, currency)
            money = format_amount(self.env, most, currency)
            if not most_points:
                raise UserError(
                    _(
                        "%(client)s's %(balance)s points cannot pay any of this invoice (one point is worth "
                        "%(value)s): take another payment method.",
                        client=invoice.commercial_partner_id.name,
                        balance=account.balance,
                        value=format_amount(self.env, value, currency),
                    )
                )
            if currency.compare_amounts(self.amount, most) > 0:
                raise UserError(
                    _(
                        "%(balance)s points pay at most %(most)s; enter %(most)s or less.",
                        balance=account.balance,
                        most=money,
                    )
                )
            if currency.compare_amounts(round(self.amount / value) * value, self.amount):
                # ``most`` is a whole number of points above the amount: the next step fits.
                lower = int(self.amount / value + 1e-6)
                choices = [currency.round(p * value) for p in (lower, lower + 1) if p]
                raise UserError(
                    _(
                        "%(amount)s is not a whole number of points (one point is worth %(value)s): "
                        "enter %(choices)s.",
                        amount=format_amount(self.env, self.amount, currency),
                        value=format_amount(self.env, value, currency),
                        choices=_(" or ").join(format_amount(self.env, c, currency) for c in choices),
                    )
                )
        return (
            self.env["account.payment"]
            .new({"company_id": self.company_id.id})
            ._loyalty_points_for(self.amount)
        )

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
