from odoo import api, fields, models


class ClinicLoyaltyOtpChallenge(models.Model):
    """Codes asked for at the point of sale: bound to the order they pay, and
    free of real money on a training shop (its cashiers may ask: ``res.users``)."""

    _inherit = "clinic.loyalty.otp.challenge"

    pos_order_id = fields.Many2one("pos.order", string="POS order", readonly=True, index="btree_not_null")

    @api.model
    def _otp_training_sale(self, sale_ref, channel_id):
        """A sale of a shop the cashier can read that a Loyalty Manager marked
        as a loyalty training shop."""
        if not sale_ref:
            return super()._otp_training_sale(sale_ref, channel_id)
        config = self.env["pos.config"].browse(int(channel_id or 0)).exists()
        return bool(config and config.has_access("read") and config.loyalty_training)

    @api.model
    def otp_pos_info(self, partner_id):
        """Balance of one client at the current clinic, fetched when the
        cashier chooses "Loyalty points" (balances are not preloaded)."""
        self.env.user._loyalty_check_otp_staff()
        company = self.env.company
        partner = self.env["res.partner"]._loyalty_otp_client(partner_id)
        account = self.env["clinic.loyalty.account"].sudo()._lookup(partner, company)
        return {
            "balance": account.balance if partner else 0,
            "status": company.loyalty_status,
            "test_mode": company.loyalty_status == "test",
            "locked": account.otp_locked,
        }
