"""The earning rules of the accrual engine, as arithmetic on cents: the one
place that says how many points a document's spend is worth. The engine
(``models/loyalty_accrual.py``) posts what it says; the go-live preview only
adds it up; the point of sale's receipt estimate asks the server, which
counts with it too."""

from odoo.tools import float_round


def cents(amount):
    """Amount as an integer number of cents (exact floor arithmetic)."""
    return round(float_round(amount or 0.0, precision_digits=2) * 100)


def points_change(target_c, counted_c, basis_c, points, spp, minimum, carry_c=None):
    """(points to add, carry after) for one document.

    :param target_c: eligible paid spend it should count for now, in cents
    :param counted_c: spend the ledger already accounts for, in cents
    :param basis_c: eligible amount of the original transaction (minimum amount)
    :param points: points it has earned so far
    :param spp: spend per point, in cents (at least 1)
    :param minimum: minimum transaction amount, in cents
    :param carry_c: the client's spend not yet turned into points (total
        spend mode only; None per transaction)
    """
    if carry_c is not None:
        carried = carry_c + target_c - counted_c
        diff = carried // spp
        return diff, carried - diff * spp
    if target_c < 0:
        # A credit document of its own (a PMS refund invoice): takes back at
        # the earning rate, whatever the minimum amount.
        diff = -(-target_c // spp) - points
    elif target_c == 0:
        diff = -points
    elif points and counted_c > 0:
        # Already earned: a credit note or a changed amount scales the points
        # proportionally, at the rate they were earned at.
        diff = points * target_c // counted_c - points
    else:
        diff = target_c // spp if basis_c >= minimum else 0
    return diff, carry_c


def first_time_points(rows, spp, minimum, total_spend, cents):
    """{partner id: points} that ``rows`` (``AccrualRow`` in the engine's
    order) earn when evaluated a first time: the go-live preview."""
    earned, carry = {}, {}
    for row in rows:
        target_c = cents(row.target)
        if not target_c:
            continue
        diff, carried = points_change(
            target_c,
            0,
            cents(row.basis),
            0,
            spp,
            minimum,
            carry.get(row.partner_id, 0) if total_spend else None,
        )
        if total_spend:
            carry[row.partner_id] = carried
        earned[row.partner_id] = earned.get(row.partner_id, 0) + diff
    return earned
