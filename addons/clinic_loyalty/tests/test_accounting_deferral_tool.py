"""The arithmetic of the deferred-revenue method, with figures worked by hand
(the README's worked example): value 1.00 a point, 1 point per 10.00."""

from odoo.tests import BaseCase, tagged

from odoo.addons.clinic_loyalty.tools.loyalty_deferral import (
    DeferralState,
    allocation,
    deferral_day,
    recognised,
)


@tagged("post_install", "-at_install")
class TestDeferralTool(BaseCase):
    def test_allocation_relative_standalone_price(self):
        # 100 points × 1.00 × 75% = 75.00 standalone; 1000 × 75 / 1075 = 69.7674
        self.assertAlmostEqual(allocation(1000.0, 100, 1.0, 0.75), 69.7674, places=4)
        # a credit note takes back with the sign of its points
        self.assertAlmostEqual(allocation(-1000.0, -100, 1.0, 0.75), -69.7674, places=4)
        # points without a sale: their standalone value
        self.assertEqual(allocation(0.0, 20, 1.0, 0.75), 15.0)
        self.assertEqual(allocation(500.0, 0, 1.0, 0.75), 0.0)

    def test_recognition_in_proportion_to_redemptions(self):
        # 30 of 100 points redeemed at 75%: 30 / 75 = 40% of the pool, of
        # which 30% is revenue of the points redeemed, 10% breakage.
        revenue, breakage = recognised(69.77, 100, 30, 0, 0.75)
        self.assertAlmostEqual(revenue, 20.931)
        self.assertAlmostEqual(breakage, 6.977)
        # 75 redeemed = all the redemptions expected: the whole pool
        revenue, breakage = recognised(69.77, 100, 75, 0, 0.75)
        self.assertAlmostEqual(revenue + breakage, 69.77)
        self.assertAlmostEqual(revenue, 52.3275)
        # more than expected: capped at the pool, all of it revenue
        self.assertEqual(recognised(69.77, 100, 100, 0, 0.75), (69.77, 0.0))
        # nothing left to redeem (the rest expired): the pool is used up
        revenue, breakage = recognised(69.77, 100, 30, 70, 0.75)
        self.assertAlmostEqual(revenue + breakage, 69.77)
        self.assertEqual(recognised(0.0, 0, 0, 0, 0.75), (0.0, 0.0))

    def test_worked_example(self):
        """The README's month, day by day (figures worked by hand)."""
        # Day 1: a sale of 1000.00 earns 100 points: 69.77 deferred.
        day1 = deferral_day(DeferralState(), [(1000.0, 100)], 0, 0, 0, 1.0, 0.75)
        self.assertEqual((day1.sales, day1.free, day1.revenue, day1.breakage), (69.77, 0.0, 0.0, 0.0))
        self.assertEqual(day1.state, DeferralState(69.77, 100, 0, 0, 0.0, 0.0))
        # Day 2: 30 points redeemed: 20.93 revenue + 6.98 expected breakage.
        day2 = deferral_day(day1.state, [], 0, 30, 0, 1.0, 0.75)
        self.assertEqual((day2.sales, day2.revenue, day2.breakage), (0.0, 20.93, 6.98))
        # Day 3: the rate falls to 50%: the true-up, 60% of 69.77 = 41.86
        # recognised, of which 20.93 revenue: 20.93 - 6.98 = 13.95 breakage.
        day3 = deferral_day(day2.state, [], 0, 0, 0, 1.0, 0.50)
        self.assertEqual((day3.revenue, day3.breakage), (0.0, 13.95))
        # Day 4: 20 points expire: (30 + 20) / 100 = 50% < 60% already
        # recognised: nothing to book.
        day4 = deferral_day(day3.state, [], 0, 0, 20, 1.0, 0.50)
        self.assertEqual((day4.revenue, day4.breakage), (0.0, 0.0))
        # Day 5: 10 points given by an adjustment (5.00 at 50%) and a credit
        # note of 500.00 taking back 50 points (25.00 standalone: 500 × 25 /
        # 525 = 23.81 back). Pool 69.77 + 5.00 - 23.81 = 50.96 for 60 points,
        # 30 redeemed: 30 / (60 × 50%) = all the redemptions expected, so the
        # whole pool is recognised: 50.96 × 30/60 = 25.48 revenue (4.55 more
        # than 20.93) and 25.48 breakage (4.55 more than 20.93).
        day5 = deferral_day(day4.state, [(-500.0, -50)], 10, 0, 0, 1.0, 0.50)
        self.assertEqual((day5.sales, day5.free), (-23.81, 5.0))
        self.assertEqual(day5.state.allocated, 50.96)
        self.assertEqual(day5.state.earned, 60)
        self.assertEqual((day5.revenue, day5.breakage), (4.55, 4.55))
        self.assertEqual((day5.state.revenue, day5.state.breakage), (25.48, 25.48))
