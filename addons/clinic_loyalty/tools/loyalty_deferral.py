"""The arithmetic of the deferred-revenue method (IFRS 15 / FRS 102 from 2026).

Plain numbers in, plain amounts out: no database, no Odoo. The daily entry
(``clinic.loyalty.daily.move``) reads the day's ledger and the running totals
of the last booked day, calls :func:`deferral_day`, and turns its amounts into
journal lines.

- Revenue is allocated to the points a sale earns at their relative
  standalone selling price: ``SSP = points × value × rate`` and
  ``allocated = sale × SSP / (sale + SSP)`` (Dr revenue / Cr deferred loyalty
  revenue). Points given without a sale (adjustments) are deferred at their
  standalone value against the points earned (expense) account. The day's
  sales of a kind are allocated together (portfolio approach).
- The pool is recognised by cumulative catch-up: of everything allocated,
  ``allocated × redeemed / earned`` is revenue of the points redeemed, and
  the expected breakage is recognised in proportion to the redemptions, so
  that the share recognised is ``redeemed / (earned × rate)`` (all of it once
  every point is redeemed or expired). A change of rate moves that share: the
  next day books the difference (the true-up).
"""

from collections import namedtuple

# Running totals after a booked day (money in the clinic's currency, points
# as integers): what the next day starts from.
DeferralState = namedtuple(
    "DeferralState", "allocated earned redeemed expired revenue breakage", defaults=(0.0, 0, 0, 0, 0.0, 0.0)
)
# The day's amounts, each to be booked Cr deferred loyalty revenue (positive)
# or Dr (negative) against: ``sales`` the revenue, ``free`` the points earned
# (expense); then Dr deferred / Cr revenue ``revenue`` and Cr breakage
# ``breakage``. ``state``: the running totals after the day.
DeferralDay = namedtuple("DeferralDay", "sales free revenue breakage state")


def _sign(number):
    return (number > 0) - (number < 0)


def allocation(sale, points, value, rate):
    """Revenue allocated to ``points`` earned on ``sale`` (signed like the
    points: a credit note takes back). Without a sale, the standalone value."""
    ssp = abs(points) * value * rate
    if not ssp:
        return 0.0
    if not sale:
        return _sign(points) * ssp
    sale = abs(sale)
    return _sign(points) * sale * ssp / (sale + ssp)


def recognised(allocated, earned, redeemed, expired, rate):
    """(revenue, breakage) recognised to date out of ``allocated`` for
    ``earned`` points of which ``redeemed`` were redeemed and ``expired``
    expired, at the expected redemption ``rate`` (0 to 1)."""
    if allocated <= 0 or earned <= 0:
        return 0.0, 0.0
    used = max(redeemed, 0) / earned
    share = min(1.0, max(used / rate if rate > 0 else 1.0, (max(redeemed, 0) + max(expired, 0)) / earned))
    total = allocated * share
    revenue = min(total, allocated * min(used, 1.0))
    return revenue, total - revenue


def deferral_day(state, sales, free, redeemed, expired, value, rate, digits=2):
    """The day's amounts.

    ``state``: the :data:`DeferralState` of the last booked day; ``sales``:
    [(sale, points)] of the day's earnings that came with a sale (signed: a
    credit note is negative); ``free``: points given or taken without a sale
    (adjustments); ``redeemed``: points redeemed (net of refunds of
    redemptions); ``expired``: points expired; ``value``: of one point;
    ``rate``: expected redemption rate (0 to 1); ``digits``: of the currency.
    """
    sales_amount = round(sum(allocation(sale, points, value, rate) for sale, points in sales), digits)
    free_amount = round(allocation(0, free, value, rate), digits)
    allocated = round(state.allocated + sales_amount + free_amount, digits)
    earned = state.earned + sum(points for _sale, points in sales) + free
    redeemed_total = state.redeemed + redeemed
    expired_total = state.expired + expired
    revenue, breakage = recognised(allocated, earned, redeemed_total, expired_total, rate)
    revenue, breakage = round(revenue, digits), round(breakage, digits)
    return DeferralDay(
        sales=sales_amount,
        free=free_amount,
        revenue=round(revenue - state.revenue, digits),
        breakage=round(breakage - state.breakage, digits),
        state=DeferralState(allocated, earned, redeemed_total, expired_total, revenue, breakage),
    )


# The running totals a deferral clinic's daily entries carry (clinic.loyalty.daily.move).
DEFERRAL_COLUMNS = (
    "deferred_allocated",
    "deferred_earned",
    "deferred_redeemed",
    "deferred_expired",
    "deferred_revenue",
    "deferred_breakage",
)
