"""Help texts of a clinic's loyalty settings (``res.company`` fields): the
books and the staff-signal thresholds."""

POINT_VALUE_HELP = (
    "What one point is worth to the client, in the clinic's currency, to 4 decimals. 0: points are "
    "not booked."
)
LIABILITY_ACCOUNT_HELP = "Current liability that carries the value of the points clients hold."
PAYMENT_JOURNAL_HELP = (
    "Journal of the payments made with points (point of sale, invoices): its accounts are the "
    "liability account, so nothing waits on a bank statement."
)
NEGATIVE_ACCOUNT_HELP = (
    "Carries the value of the points of clients whose balance is below zero (a credit note after they "
    "spent their points): owed by them, not netted against the liability."
)
EXPIRY_MONTHS_HELP = (
    "Points added from now on expire this many months after the day they were earned. 0: never. A "
    "change applies to new points only and is logged."
)

SIGNAL_HELP = {
    "lookback_days": (
        "How far back each nightly run reads the ledger and the sales. A finding is recorded once."
    ),
    "staff_points": (
        "Points earned in a month on a staff member's contact, or a contact sharing their phone or "
        "email, above which it is flagged: a cashier collecting clients' points on their own card."
    ),
    "adjust_min_points": (
        "Points a staff member adds by hand in a month above which, if also far above their peers "
        "(factor below), it is flagged: points given to friends."
    ),
    "adjust_factor": (
        "How many times the average of the other staff members' manual points a month is flagged."
    ),
    "same_client_count": (
        "Adjustments by one staff member to the same client in a month from which it is flagged."
    ),
    "refund_days": (
        "Points added by hand to a client this many days after a refund took theirs back: the refund "
        "kept the money and the points."
    ),
    "unpaid_days": (
        "Points still standing on an invoice that is not, or no longer, paid this many days after "
        "they were earned: points with no money behind them."
    ),
    "refund_count": (
        "Refunds or returns of sales that earned points, per cashier and month, from which it is "
        "flagged: refunding and keeping the points."
    ),
    "otp_count": (
        "Codes a cashier requested and never verified, or wrong codes entered, in a month, from which "
        "it is flagged: trying to spend a client's points without them."
    ),
    "number_days": (
        "A code verified on a client's new number for codes within this many days of the change."
    ),
    "cluster_orders": ("Orders a client must have in a month before their cashiers are compared."),
    "cluster_share": (
        "Share of a client's orders taken by one cashier (when that is at least three times the "
        "cashier's share of all sales) from which it is flagged: a cashier's friend, or their own "
        "card."
    ),
    "approval_threshold": (
        "Manual adjustments of more points than this wait for a second Loyalty Manager's approval."
    ),
    "daily_cap": (
        "The most points one staff member may add by hand in a day (approved or waiting). 0: no cap."
    ),
}

# The staff-signal thresholds of a clinic: label, default and help of each field.
SIGNAL_FIELDS = {
    "loyalty_signal_lookback_days": {
        "string": "Signals look back (days)",
        "default": 62,
        "help": SIGNAL_HELP["lookback_days"],
    },
    "loyalty_signal_staff_points": {
        "string": "Staff earning, points a month",
        "default": 150,
        "help": SIGNAL_HELP["staff_points"],
    },
    "loyalty_signal_adjust_min_points": {
        "string": "Manual points, points a month",
        "default": 300,
        "help": SIGNAL_HELP["adjust_min_points"],
    },
    "loyalty_signal_adjust_factor": {
        "string": "Manual points, times the peers' average",
        "default": 3.0,
        "help": SIGNAL_HELP["adjust_factor"],
    },
    "loyalty_signal_same_client_count": {
        "string": "Manual points, to one client a month",
        "default": 3,
        "help": SIGNAL_HELP["same_client_count"],
    },
    "loyalty_signal_refund_days": {
        "string": "Points given back after a refund (days)",
        "default": 7,
        "help": SIGNAL_HELP["refund_days"],
    },
    "loyalty_signal_unpaid_days": {
        "string": "Points with no payment, after (days)",
        "default": 3,
        "help": SIGNAL_HELP["unpaid_days"],
    },
    "loyalty_signal_refund_count": {
        "string": "Refunds of sales that earned, a month",
        "default": 3,
        "help": SIGNAL_HELP["refund_count"],
    },
    "loyalty_signal_otp_count": {
        "string": "Codes not verified or wrong, a month",
        "default": 5,
        "help": SIGNAL_HELP["otp_count"],
    },
    "loyalty_signal_number_days": {
        "string": "Number for codes changed, then used (days)",
        "default": 7,
        "help": SIGNAL_HELP["number_days"],
    },
    "loyalty_signal_cluster_orders": {
        "string": "Client with one cashier, orders a month",
        "default": 5,
        "help": SIGNAL_HELP["cluster_orders"],
    },
    "loyalty_signal_cluster_share": {
        "string": "Client with one cashier, share",
        "default": 0.8,
        "help": SIGNAL_HELP["cluster_share"],
    },
    "loyalty_adjust_approval_threshold": {
        "string": "Second approval above (points)",
        "default": 100,
        "help": SIGNAL_HELP["approval_threshold"],
    },
    "loyalty_adjust_daily_cap": {
        "string": "Points added by hand, daily cap per staff member",
        "default": 500,
        "help": SIGNAL_HELP["daily_cap"],
    },
}
