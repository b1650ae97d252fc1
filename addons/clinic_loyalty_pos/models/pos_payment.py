from contextvars import ContextVar

from odoo import _, api, models
from odoo.exceptions import AccessError

# Set only while the server records an order it received from the POS
# (``pos.order._process_order``), which then settles every "Loyalty points"
# payment against its code. A context key would not do: any RPC caller
# chooses its context.
POS_SYNC = ContextVar("clinic_loyalty_otp_pos_sync", default=False)
GUARDED_FIELDS = {"amount", "payment_method_id", "pos_order_id", "transaction_id"}


class PosPayment(models.Model):
    """A "Loyalty points" payment exists only as the server recorded it from
    the POS, vouched for by a used code: never created, changed or deleted
    through ``add_payment``, ``create``, ``write`` or ``unlink``."""

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
        if GUARDED_FIELDS & set(vals):
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
