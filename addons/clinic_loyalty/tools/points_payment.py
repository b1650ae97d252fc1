"""What a client's points can pay on an amount due (pure arithmetic)."""

import math


def payable_points(balance, due, value, currency):
    """(points, amount): the most whole points of ``balance`` (each worth
    ``value``) that pay no more than ``due``, and what they pay, rounded to
    ``currency``."""
    if not value or value <= 0 or balance <= 0 or due <= 0:
        return 0, 0.0
    # A tiny tolerance: 8.00 / 0.40 must give 20 points, not 19.
    points = min(int(balance), math.floor(currency.round(due) / value + 1e-6))
    return points, currency.round(points * value)
