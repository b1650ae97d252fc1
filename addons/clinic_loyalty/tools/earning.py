"""What one paid document earns, in whole points (pure: amounts in, points
out). The accrual engine (``clinic.loyalty.accrual``) counts with it, and the
point of sale's receipt estimate asks the server, which counts with it too."""

from odoo.tools import float_round


def cents(amount):
    """Amount as an integer number of cents (exact floor arithmetic)."""
    return round(float_round(amount or 0.0, precision_digits=2) * 100)


def transaction_points(target, basis, spend_per_point, minimum):
    """Points a document earns in "per transaction" mode: one per
    ``spend_per_point`` of its eligible amount ``target``, when its basis
    reaches the ``minimum`` (all in cents)."""
    return target // max(spend_per_point, 1) if basis >= minimum else 0
