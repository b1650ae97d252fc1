# The staff-signal thresholds of a clinic, in their own file (one idea per file).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# (field, default, sentence on what it catches): the Loyalty settings page shows them.
SIGNAL_THRESHOLDS = (
    "loyalty_signal_lookback_days",
    "loyalty_signal_staff_points",
    "loyalty_signal_adjust_min_points",
    "loyalty_signal_adjust_factor",
    "loyalty_signal_same_client_count",
    "loyalty_signal_refund_days",
    "loyalty_signal_unpaid_days",
    "loyalty_signal_refund_count",
    "loyalty_signal_otp_count",
    "loyalty_signal_number_days",
    "loyalty_signal_cluster_orders",
    "loyalty_signal_cluster_share",
    "loyalty_adjust_approval_threshold",
    "loyalty_adjust_daily_cap",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    loyalty_signal_lookback_days = fields.Integer(
        string="Signals look back (days)",
        default=62,
        help="How far back each nightly run reads the ledger and the sales. A finding is recorded once.",
    )
    loyalty_signal_staff_points = fields.Integer(
        string="Staff earning, points a month",
        default=150,
        help="Points earned in a month on a staff member's contact, or a contact sharing their phone or "
        "email, above which it is flagged: a cashier collecting clients' points on their own card.",
    )
    loyalty_signal_adjust_min_points = fields.Integer(
        string="Manual points, points a month",
        default=300,
        help="Points a staff member adds by hand in a month above which, if also far above their peers "
        "(factor below), it is flagged: points given to friends.",
    )
    loyalty_signal_adjust_factor = fields.Float(
        string="Manual points, times the peers' average",
        default=3.0,
        help="How many times the average of the other staff members' manual points a month is flagged.",
    )
    loyalty_signal_same_client_count = fields.Integer(
        string="Manual points, to one client a month",
        default=3,
        help="Adjustments by one staff member to the same client in a month from which it is flagged.",
    )
    loyalty_signal_refund_days = fields.Integer(
        string="Points given back after a refund (days)",
        default=7,
        help="Points added by hand to a client this many days after a refund took theirs back: the refund "
        "kept the money and the points.",
    )
    loyalty_signal_unpaid_days = fields.Integer(
        string="Points with no payment, after (days)",
        default=3,
        help="Points still standing on an invoice that is not, or no longer, paid this many days after "
        "they were earned: points with no money behind them.",
    )
    loyalty_signal_refund_count = fields.Integer(
        string="Refunds of sales that earned, a month",
        default=3,
        help="Refunds or returns of sales that earned points, per cashier and month, from which it is "
        "flagged: refunding and keeping the points.",
    )
    loyalty_signal_otp_count = fields.Integer(
        string="Codes not verified or wrong, a month",
        default=5,
        help="Codes a cashier requested and never verified, or wrong codes entered, in a month, from "
        "which it is flagged: trying to spend a client's points without them.",
    )
    loyalty_signal_number_days = fields.Integer(
        string="Number for codes changed, then used (days)",
        default=7,
        help="A code verified on a client's new number for codes within this many days of the change.",
    )
    loyalty_signal_cluster_orders = fields.Integer(
        string="Client with one cashier, orders a month",
        default=5,
        help="Orders a client must have in a month before their cashiers are compared.",
    )
    loyalty_signal_cluster_share = fields.Float(
        string="Client with one cashier, share",
        default=0.8,
        help="Share of a client's orders taken by one cashier (when that is at least three times the "
        "cashier's share of all sales) from which it is flagged: a cashier's friend, or their own card.",
    )
    loyalty_adjust_approval_threshold = fields.Integer(
        string="Second approval above (points)",
        default=100,
        help="Manual adjustments of more points than this wait for a second Loyalty Manager's approval.",
    )
    loyalty_adjust_daily_cap = fields.Integer(
        string="Points added by hand, daily cap per staff member",
        default=500,
        help="The most points one staff member may add by hand in a day (approved or waiting). 0: no cap.",
    )

    @api.constrains(*SIGNAL_THRESHOLDS)
    def _check_loyalty_signal_thresholds(self):
        for company in self:
            for name in SIGNAL_THRESHOLDS:
                if company[name] < 0:
                    raise ValidationError(
                        _(
                            "%(setting)s cannot be negative for %(clinic)s.",
                            setting=self._fields[name].get_description(self.env)["string"],
                            clinic=company.name,
                        )
                    )
            if company.loyalty_signal_cluster_share > 1:
                raise ValidationError(_("A share of a client's orders is between 0 and 1 (0.8 is 80%)."))
