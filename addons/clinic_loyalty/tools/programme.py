"""The settings of a clinic's programme (``res.company``) and their words,
shared by the clinic's fields and the Loyalty settings page."""

LOYALTY_STATUS = [("off", "Off"), ("test", "Test (staff only)"), ("on", "On")]

EARNING_MODES = [("total_spend", "Total customer spend"), ("per_transaction", "Per transaction")]

# One wording per setting, shared by the clinic's fields and the loyalty settings page.
STATUS_HELP = (
    "Off: nothing earns. Test: points earn and staff see them; clients see nothing and nothing can be "
    "redeemed. On: clients see and redeem their points. Switch On last, once rewards and eligible items "
    "are set."
)

EARNING_MODE_HELP = (
    "Per transaction: each paid invoice or POS order earns on its own, and only if its eligible amount "
    "reaches the minimum. Total customer spend: the client's eligible spend adds up across visits. "
    "Example, one point per 10.00 spent: a client pays 15 + 15 on two visits. Per transaction, each visit "
    "earns 1 point (2 in all); on total customer spend the first visit earns 1 point and the second 2, "
    "since 30.00 has now been spent (3 in all)."
)

MIN_AMOUNT_HELP = (
    "Per transaction only: a paid invoice or POS order whose eligible amount is below this earns nothing."
)

START_DATE_HELP = (
    "Documents dated on or after this day earn points, also before the programme was first "
    "switched from Off. Empty: from the day it was first switched to Test or On. Days it was Off "
    "never earn."
)

POINT_VALUE_DIGITS = (16, 4)

LOYALTY_ACCOUNTING_FIELDS = (
    "loyalty_point_value",
    "loyalty_liability_account_id",
    "loyalty_earned_account_id",
    "loyalty_breakage_account_id",
    "loyalty_journal_id",
    "loyalty_payment_journal_id",
    "loyalty_books_method",
    "loyalty_redemption_rate",
    "loyalty_deferred_account_id",
    "loyalty_revenue_account_id",
)

LOYALTY_ACCOUNTING_GROUPS = ("clinic_loyalty.group_loyalty_manager", "account.group_account_manager")

MAX_EXPIRY_MONTHS = 120

MAX_NOTICE_DAYS = 365

EXPIRY_FIELDS = ("loyalty_expiry_months", "loyalty_expiry_notice_days")

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

# The programme's fields whose changes are logged on the clinic's contact.
PROGRAMME_LOG_FIELDS = (
    "loyalty_spend_per_point",
    "loyalty_earning_mode",
    "loyalty_status",
    "loyalty_start_date",
)

# The checks of the clinic's programme columns (``res.company._sql_constraints``).
LOYALTY_SQL_CONSTRAINTS = [
    (
        "loyalty_spend_per_point_positive",
        "check(loyalty_spend_per_point > 0)",
        "The spend per point must be greater than zero.",
    ),
    (
        "loyalty_min_amount_positive",
        "check(loyalty_min_transaction_amount >= 0)",
        "The minimum transaction amount cannot be negative.",
    ),
    (
        "loyalty_point_value_positive",
        "check(loyalty_point_value >= 0)",
        "The value of one point cannot be negative.",
    ),
]

BOOKS_METHODS = [
    ("provision", "Provision at face value"),
    ("deferral", "Deferred revenue (IFRS 15 / FRS 102 from 2026)"),
]
BOOKS_METHOD_HELP = (
    "Provision at face value: each point earned is a liability at its value (Dr points earned / Cr "
    "liability); redeemed points settle it, expired points go to breakage. Deferred revenue (IFRS 15, and "
    "FRS 102 from 2026): part of each sale is revenue of the points it earns, allocated at their "
    "standalone selling price (points × value × expected redemption rate): Dr revenue / Cr deferred loyalty "
    "revenue; it becomes revenue as points are redeemed, with the expected breakage in proportion to the "
    "redemptions; a change of rate is trued up by the next daily entry. Example: a sale of 100.00 earns 10 "
    "points worth 1.00 at an 80% rate: 8.00 standalone, 100 × 8 / 108 = 7.41 deferred. The method is fixed "
    "once an entry is booked under it."
)
REDEMPTION_RATE_HELP = (
    "Deferred revenue only: the share of points (in %) you expect clients to redeem rather than let "
    "expire, from your history. 100: no breakage expected. A change is trued up by the next daily entry."
)
