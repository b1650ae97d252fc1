# The staff-signal thresholds on the Loyalty settings page (one idea per file).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models

from .res_company_signal import SIGNAL_THRESHOLDS


class ClinicLoyaltySettings(models.TransientModel):
    _inherit = "clinic.loyalty.settings"

    loyalty_signal_lookback_days = fields.Integer(string="Signals look back (days)")
    loyalty_signal_staff_points = fields.Integer(string="Staff earning, points a month")
    loyalty_signal_adjust_min_points = fields.Integer(string="Manual points, points a month")
    loyalty_signal_adjust_factor = fields.Float(string="Manual points, times the peers' average")
    loyalty_signal_same_client_count = fields.Integer(string="Manual points, to one client a month")
    loyalty_signal_refund_days = fields.Integer(string="Points given back after a refund (days)")
    loyalty_signal_unpaid_days = fields.Integer(string="Points with no payment, after (days)")
    loyalty_signal_refund_count = fields.Integer(string="Refunds of sales that earned, a month")
    loyalty_signal_otp_count = fields.Integer(string="Codes not verified or wrong, a month")
    loyalty_signal_number_days = fields.Integer(string="Number for codes changed, then used (days)")
    loyalty_signal_cluster_orders = fields.Integer(string="Client with one cashier, orders a month")
    loyalty_signal_cluster_share = fields.Float(string="Client with one cashier, share")
    loyalty_adjust_approval_threshold = fields.Integer(string="Second approval above (points)")
    loyalty_adjust_daily_cap = fields.Integer(string="Points added by hand, daily cap per staff member")

    @api.model
    def _readable_fields(self):
        names = super()._readable_fields()
        if self._is_manager():
            names = list(names) + list(SIGNAL_THRESHOLDS)
        return names
