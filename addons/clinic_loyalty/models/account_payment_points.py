"""Invoices paid with points: a payment on the clinic's "Loyalty points
payments" journal spends the client's points when its entry is posted (Dr
liability, Cr receivable) and gives them back when the entry leaves the posted
state (reset to draft, cancelled, deleted). Points are spent only from
Register Payment on one invoice (``account_payment_register_points.py``), which
passes what the client agreed to in :data:`POINTS_PAYMENT`."""

from contextvars import ContextVar

from odoo import _, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

# Set only by Register Payment while it posts a points payment: {"invoice":
# account.move, "kwargs": extra arguments for ``_redeem`` (the OTP addon's
# code)}. A context key would not do: any RPC caller chooses its context.
POINTS_PAYMENT = ContextVar("clinic_loyalty_points_payment", default=None)
# Set by payment flows that book their own redemptions (the OTP addon's point
# of sale closing): their payments on the journal spend nothing here.
BOOKED_ELSEWHERE = ContextVar("clinic_loyalty_points_booked_elsewhere", default=False)


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _loyalty_is_points_payment(self):
        self.ensure_one()
        journal = self.company_id.sudo().loyalty_payment_journal_id
        return bool(journal) and self.journal_id == journal

    def _loyalty_entries(self):
        self.ensure_one()
        return (
            self.env["clinic.loyalty.entry"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "=", self.id)], order="id")
        )

    def _loyalty_points_for(self, amount):
        """Points worth ``amount`` at the clinic's value of one point; a
        UserError says what to do when there is no value or the amount is
        not a whole number of points."""
        self.ensure_one()
        company = self.company_id
        value = company.loyalty_point_value
        if not value:
            raise UserError(
                _(
                    "%(clinic)s has no value of one point: a Loyalty Manager sets it in Loyalty → Settings "
                    "before invoices can be paid with points.",
                    clinic=company.name,
                )
            )
        points = round(amount / value)
        if company.currency_id.compare_amounts(points * value, amount):
            raise UserError(
                _(
                    "%(amount)s is not a whole number of points (one point is worth %(value)s): pay "
                    "%(lower)s or %(upper)s with points.",
                    amount=amount,
                    value=value,
                    lower=company.currency_id.round(int(amount / value) * value),
                    upper=company.currency_id.round((int(amount / value) + 1) * value),
                )
            )
        return points

    def _loyalty_spend(self):
        """Spend the points of this points payment (its entry is being
        posted), as every redemption: ``clinic.loyalty.account._redeem``."""
        self.ensure_one()
        context = POINTS_PAYMENT.get()
        if not context:
            raise UserError(
                _(
                    "A payment with loyalty points is made from the invoice (Register Payment, journal "
                    "“%(journal)s”), with the client's agreement: register a new payment there.",
                    journal=self.journal_id.name,
                )
            )
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_user"):
            raise AccessError(_("Only Loyalty Users can take payments in loyalty points."))
        invoice = context["invoice"]
        if (
            self.payment_type != "inbound"
            or self.partner_type != "customer"
            or self.currency_id != self.company_id.currency_id
            or invoice.commercial_partner_id != self.partner_id.commercial_partner_id
        ):
            raise UserError(
                _(
                    "Loyalty points pay a customer invoice in %(currency)s only: they are not given as "
                    "money and pay no supplier.",
                    currency=self.company_id.currency_id.name,
                )
            )
        points = self._loyalty_points_for(self.amount)
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            ._account_for(invoice.commercial_partner_id, self.company_id)
        )
        done = len(self._loyalty_entries().filtered(lambda e: e.kind == "redemption"))
        account._redeem(
            points,
            _("Paid %(invoice)s with points", invoice=invoice.name),
            f"invoice-payment:{self.id}:{done}",
            consent="staff",
            amount=self.amount,
            res_model=self._name,
            res_id=self.id,
            source_name=invoice.name,
            **context.get("kwargs", {}),
        )
        invoice.sudo().message_post(
            body=_(
                "Paid %(amount)s with %(points)s loyalty points (%(payment)s).",
                amount=format_amount(self.env, self.amount, self.currency_id),
                points=points,
                payment=self.name,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _loyalty_give_back(self):
        """The entry of this points payment leaves the posted state: give the
        points it spent back, once, by a refund entry."""
        self.ensure_one()
        entries = self._loyalty_entries()
        if not entries:
            return
        entries.account_id.ensure_one()
        entries.account_id._give_back(
            entries.filtered(lambda e: e.kind == "redemption").mapped("key"),
            f"invoice-payment-refund:{self.id}:",
            reason=_("Payment %(payment)s with points cancelled", payment=self.name),
            amount=self.amount,
            res_model=self._name,
            res_id=self.id,
            source_name=entries[:1].source_name or self.name,
        )
