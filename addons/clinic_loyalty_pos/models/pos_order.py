from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from .pos_payment import POS_SYNC

TRANSACTION_PREFIX = "OTP-"
PAID_STATES = ("paid", "done", "invoiced")


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model
    def _process_order(self, order, existing_order):
        """Spend the points of "Loyalty points" payments in the transaction
        that records the order: a refused payment refuses the whole order.
        Only here may such payments be created (see ``pos.payment``)."""
        self._loyalty_otp_check_payment_commands(order, existing_order)
        token = POS_SYNC.set(True)
        try:
            order_id = super()._process_order(order, existing_order)
            pos_order = self.browse(order_id)
            if pos_order.state not in ("draft", "cancel"):
                pos_order._loyalty_otp_settle()
        finally:
            POS_SYNC.reset(token)
        return order_id

    @api.model
    def _loyalty_otp_check_payment_commands(self, order, existing_order):
        """A payload records its own order's payments only: a command that
        names a payment id (update, delete, link, replace) must name one of
        the order being synced, or the sync could rewrite another order's
        "Loyalty points" payment while payments may be written."""
        own = set(existing_order.payment_ids.ids) if existing_order else set()
        for command in order.get("payment_ids") or []:
            if command[0] == 6:
                named = set(command[2] or [])
            elif command[0] in (1, 2, 3, 4):
                named = {command[1]}
            else:
                continue
            if not named <= own:
                raise UserError(
                    _(
                        "Order %(order)s names payments of another order: nothing was recorded.",
                        order=order.get("name") or order.get("uuid"),
                    )
                )

    def write(self, vals):
        """Whatever path makes an order paid (``sync_from_ui``,
        ``action_pos_order_paid``, a write of the state), its points payments
        are settled against their codes first: refused, nothing is written."""
        if vals.get("state") in PAID_STATES:
            for order in self.filtered(lambda o: o.state not in PAID_STATES and o._loyalty_otp_payments()):
                order._loyalty_otp_settle()
        return super().write(vals)

    def _loyalty_otp_payments(self):
        return self.payment_ids.filtered(
            lambda p: p.payment_method_id.use_payment_terminal == "clinic_loyalty"
        )

    def _loyalty_otp_settle(self):
        """Spend each points payment's code (once) and check that every one
        is vouched for by exactly one used code of this order."""
        self.ensure_one()
        payments = self._loyalty_otp_payments()
        if not payments:
            return
        rounding = self.currency_id.rounding
        spent = payments.filtered(lambda p: float_compare(p.amount, 0.0, precision_rounding=rounding) > 0)
        refunds = payments - spent
        references = spent.mapped("transaction_id")
        if len(set(references)) != len(references):
            raise UserError(
                _("One code pays one loyalty points payment: %(order)s uses a code twice.", order=self.name)
            )
        for payment in spent:
            self._loyalty_otp_spend(payment)
        if refunds:
            self._loyalty_otp_refund(refunds)
        self._loyalty_otp_check_vouched(spent)

    def _loyalty_otp_check_vouched(self, payments):
        """Each payment is worth exactly the value of its own used code, spent
        for this order (and, out of a Test trial, taken from the ledger)."""
        Entry = self.env["clinic.loyalty.entry"].sudo()
        rounding = self.currency_id.rounding
        for payment in payments:
            challenge = self._loyalty_otp_challenge(payment)
            vouched = (
                challenge
                and challenge.state == "used"
                and challenge.pos_order_id == self
                and not float_compare(challenge.value, payment.amount, precision_rounding=rounding)
            )
            if vouched and not challenge.test_mode:
                vouched = bool(
                    Entry.search_count(
                        [
                            ("company_id", "=", challenge.company_id.id),
                            ("account_id", "=", challenge.account_id.id),
                            ("key", "=", f"pos-otp:{challenge.id}"),
                        ]
                    )
                )
            if not vouched:
                raise UserError(
                    _(
                        "The loyalty points payment of %(amount)s on %(order)s is not backed by the client's "
                        "code: pay it another way.",
                        amount=payment.amount,
                        order=self.name,
                    )
                )

    def _loyalty_otp_challenge(self, payment):
        Challenge = self.env["clinic.loyalty.otp.challenge"].sudo()
        reference = payment.transaction_id or ""
        if not reference.startswith(TRANSACTION_PREFIX) or not reference[len(TRANSACTION_PREFIX) :].isdigit():
            return Challenge
        return Challenge.browse(int(reference[len(TRANSACTION_PREFIX) :])).exists()

    def _loyalty_otp_spend(self, payment):
        """Spend the code of ``payment`` for this order: one redemption, as
        every other (``clinic.loyalty.account._redeem``)."""
        challenge = self._loyalty_otp_challenge(payment)
        if challenge.state == "used" and challenge.pos_order_id == self:
            return  # the same order synchronised again: already spent
        if not self.partner_id:
            raise UserError(_("An order paid with loyalty points needs the client."))
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            ._account_for(self.partner_id.commercial_partner_id, self.company_id)
        )
        account._redeem(
            challenge.points,
            _("Paid at the counter: %(order)s", order=self.name),
            f"pos-otp:{challenge.id}",
            consent="staff",
            challenge=challenge,
            otp_binding={"value": payment.amount, "pos_order_uid": self.uuid, "partner": self.partner_id},
            training=self.config_id.loyalty_training,
            res_model="pos.order",
            res_id=self.id,
            source_name=self.name,
            amount=payment.amount,
        )
        challenge.write({"pos_order_id": self.id})

    def _loyalty_otp_refund(self, payments):
        """Give back, once, the points of the refunded order in proportion
        to the loyalty amount paid back (never more than were spent)."""
        original = self.refunded_order_id
        Challenge = self.env["clinic.loyalty.otp.challenge"].sudo()
        challenges = (
            Challenge.search([("pos_order_id", "=", original.id), ("state", "=", "used")])
            if original
            else Challenge
        )
        if not challenges:
            raise UserError(
                _(
                    "Only an order that was paid with loyalty points can be refunded in points: "
                    "choose another payment method for this refund."
                )
            )
        account = challenges.account_id
        account.ensure_one()
        account._lock()
        Entry = self.env["clinic.loyalty.entry"].sudo()
        spent = -sum(
            Entry.search(
                [
                    ("company_id", "=", account.company_id.id),
                    ("key", "in", [f"pos-otp:{c.id}" for c in challenges]),
                ]
            ).mapped("points")
        )
        already = sum(
            Entry.search(
                [
                    ("company_id", "=", account.company_id.id),
                    ("kind", "=", "refund"),
                    ("key", "=like", f"pos-otp-refund:{original.id}:%"),
                ]
            ).mapped("points")
        )
        value = sum(challenges.mapped("value"))
        amount = -sum(payments.mapped("amount"))
        if float_compare(amount, value, precision_rounding=self.currency_id.rounding) > 0:
            raise UserError(
                _(
                    "At most %(value)s can be paid back in loyalty points for %(order)s.",
                    value=value,
                    order=original.name,
                )
            )
        points = min(spent - already, int(float_round(spent * amount / value, 0))) if value else 0
        if points <= 0 and spent:
            raise UserError(
                _(
                    "The points spent on %(order)s were already given back: choose another "
                    "payment method for this refund.",
                    order=original.name,
                )
            )
        if points > 0:
            account._post_entries(
                [
                    {
                        "account_id": account.id,
                        "points": points,
                        "kind": "refund",
                        "key": f"pos-otp-refund:{original.id}:{self.id}",
                        # Back with the expiry dates they had: no extension by refund.
                        "restores": [f"pos-otp:{c.id}" for c in challenges],
                        "reason": _("Refund of %(order)s", order=original.name),
                        "amount": amount,
                        "res_model": "pos.order",
                        "res_id": self.id,
                        "source_name": self.name,
                    }
                ]
            )
