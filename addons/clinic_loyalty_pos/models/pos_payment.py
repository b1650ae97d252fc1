from odoo import _, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_round

from ..tools.pos_guard import PAYMENT_GUARDED_FIELDS, POS_SYNC

TRANSACTION_PREFIX = "OTP-"


class PosPayment(models.Model):
    """A "Loyalty points" payment exists only as the server recorded it from
    the POS, vouched for by a used code: never created, changed or deleted
    through ``add_payment``, ``create``, ``write`` or ``unlink``. It spends
    the points of its code once, and a refund's gives them back once."""

    _inherit = "pos.payment"

    @api.model_create_multi
    def create(self, vals_list):
        methods = self.env["pos.payment.method"].browse(
            [vals.get("payment_method_id") for vals in vals_list if vals.get("payment_method_id")]
        )
        if any(m.use_payment_terminal == "clinic_loyalty" for m in methods):
            self._check_loyalty_pos_sync()
        return super().create(vals_list)

    def write(self, vals):
        if PAYMENT_GUARDED_FIELDS & set(vals):
            method = self.env["pos.payment.method"].browse(vals.get("payment_method_id") or [])
            if method.use_payment_terminal == "clinic_loyalty" or self._loyalty_points_payments():
                self._check_loyalty_pos_sync()
        return super().write(vals)

    def unlink(self):
        if self._loyalty_points_payments():
            self._check_loyalty_pos_sync()
        return super().unlink()

    def _loyalty_points_payments(self):
        return self.filtered(lambda p: p.payment_method_id.use_payment_terminal == "clinic_loyalty")

    @api.model
    def _check_loyalty_pos_sync(self):
        if not POS_SYNC.get():
            raise AccessError(
                _(
                    "Loyalty points payments are recorded only with the order from the point of sale, "
                    "after the client's code: they cannot be added, changed or deleted afterwards."
                )
            )

    @api.model
    def _loyalty_check_commands(self, order, existing_order):
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

    def _loyalty_settle(self):
        """These points payments of one order: spend each one's code (once),
        give back a refund's, and check that every one is vouched for by
        exactly one used code of the order."""
        if not self:
            return
        order = self.pos_order_id
        order.ensure_one()
        rounding = order.currency_id.rounding
        spent = self.filtered(lambda p: float_compare(p.amount, 0.0, precision_rounding=rounding) > 0)
        refunds = self - spent
        references = spent.mapped("transaction_id")
        if len(set(references)) != len(references):
            raise UserError(
                _("One code pays one loyalty points payment: %(order)s uses a code twice.", order=order.name)
            )
        for payment in spent:
            payment._loyalty_spend()
        if refunds:
            refunds._loyalty_give_back()
        spent._loyalty_check_vouched()

    def _loyalty_challenge(self):
        """The code this payment names (``OTP-<id>``), if any."""
        self.ensure_one()
        Challenge = self.env["clinic.loyalty.otp.challenge"].sudo()
        reference = self.transaction_id or ""
        number = reference[len(TRANSACTION_PREFIX) :]
        if not reference.startswith(TRANSACTION_PREFIX) or not number.isdigit():
            return Challenge
        return Challenge.browse(int(number)).exists()

    def _loyalty_spend(self):
        """Spend this payment's code for its order: one redemption, as every
        other (``clinic.loyalty.account._redeem``)."""
        self.ensure_one()
        order = self.pos_order_id
        challenge = self._loyalty_challenge()
        if challenge.state == "used" and challenge.pos_order_id == order:
            return  # the same order synchronised again: already spent
        if not order.partner_id:
            raise UserError(_("An order paid with loyalty points needs the client."))
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            ._account_for(order.partner_id.commercial_partner_id, order.company_id)
        )
        account._redeem(
            challenge.points,
            _("Paid at the counter: %(order)s", order=order.name),
            f"pos-otp:{challenge.id}",
            consent="staff",
            challenge=challenge,
            otp_binding={"value": self.amount, "pos_order_uid": order.uuid, "partner": order.partner_id},
            training=order.config_id.loyalty_training,
            res_model="pos.order",
            res_id=order.id,
            source_name=order.name,
            amount=self.amount,
        )
        challenge.write({"pos_order_id": order.id})

    def _loyalty_check_vouched(self):
        """Each payment is worth exactly the value of its own used code, spent
        for its order (and, out of a Test trial, taken from the ledger)."""
        Entry = self.env["clinic.loyalty.entry"].sudo()
        for payment in self:
            order = payment.pos_order_id
            challenge = payment._loyalty_challenge()
            vouched = (
                challenge
                and challenge.state == "used"
                and challenge.pos_order_id == order
                and not float_compare(
                    challenge.value, payment.amount, precision_rounding=order.currency_id.rounding
                )
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
                        order=order.name,
                    )
                )

    def _loyalty_give_back(self):
        """These refund payments of one order give back, once, the points of
        the refunded order in proportion to the loyalty amount paid back
        (never more than were spent)."""
        refund = self.pos_order_id
        refund.ensure_one()
        original = refund.refunded_order_id
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
        value = sum(challenges.mapped("value"))
        amount = -sum(self.mapped("amount"))
        if float_compare(amount, value, precision_rounding=refund.currency_id.rounding) > 0:
            raise UserError(
                _(
                    "At most %(value)s can be paid back in loyalty points for %(order)s.",
                    value=value,
                    order=original.name,
                )
            )
        taken = [f"pos-otp:{c.id}" for c in challenges]
        spent = -sum(self.env["clinic.loyalty.entry"].sudo().search([("key", "in", taken)]).mapped("points"))
        back = account._give_back(
            taken,
            f"pos-otp-refund:{original.id}:",
            int(float_round(spent * amount / value, 0)) if value else 0,
            key=f"pos-otp-refund:{original.id}:{refund.id}",
            reason=_("Refund of %(order)s", order=original.name),
            amount=amount,
            res_model="pos.order",
            res_id=refund.id,
            source_name=refund.name,
        )
        if not back and spent:
            raise UserError(
                _(
                    "The points spent on %(order)s were already given back: choose another "
                    "payment method for this refund.",
                    order=original.name,
                )
            )
