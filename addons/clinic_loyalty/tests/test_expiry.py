from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import count_queries
from .expiry_common import ExpiryCommon, d


@tagged("post_install", "-at_install")
class TestExpiry(ExpiryCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_expiry()

    def _expiries(self, account=None):
        return self._entries(account or self.acc, "expiry")

    def test_lot_expires_n_months_after_its_date(self):
        lot = self._add(10, d("2025-01-31"))
        self.assertEqual((lot.points, lot.remaining, lot.expiry_date), (10, 10, d("2026-01-31")))
        self.clinic.loyalty_expiry_months = 0
        self.assertFalse(self._add(5, d("2025-02-01")).expiry_date, "0 months: these points never expire")

    def test_fifo_draw_across_three_lots(self):
        first = self._add(10, d("2025-01-10"))
        second = self._add(20, d("2025-03-10"))
        third = self._add(30, d("2025-06-10"))
        redemption = self._take(25, kind="redemption")
        self.assertEqual((first + second + third).mapped("remaining"), [0, 5, 30])
        self.assertEqual(
            sorted(
                (a.lot_id.id, a.points) for a in self.Allocation.search([("entry_id", "=", redemption.id)])
            ),
            [(first.id, 10), (second.id, 15)],
        )
        reversal = self._take(12, kind="reversal")
        self.assertEqual((first + second + third).mapped("remaining"), [0, 0, 23])
        self.assertEqual(
            sorted((a.lot_id.id, a.points) for a in self.Allocation.search([("entry_id", "=", reversal.id)])),
            [(second.id, 5), (third.id, 7)],
        )
        self.assertEqual(self.acc.balance, 23)
        self.assertEqual(sum(self.Entry.search([("account_id", "=", self.acc.id)]).mapped("points")), 23)
        self.assertLotsHoldBalance()

    def test_draw_follows_expiry_date_not_posting_order(self):
        self.clinic.loyalty_expiry_months = 24
        late = self._add(10, d("2025-01-10"))
        self.clinic.loyalty_expiry_months = 1
        early = self._add(10, d("2025-02-10"))
        self._take(4)
        self.assertEqual(
            (late.remaining, early.remaining), (10, 6), "the lot that expires first is drawn first"
        )

    def test_changing_n_applies_to_new_lots_only(self):
        old = self._add(10, d("2025-01-10"))
        self.clinic.loyalty_expiry_months = 3
        new = self._add(10, d("2025-01-10"))
        old.invalidate_recordset()
        self.assertEqual(
            old.expiry_date, d("2026-01-10"), "an existing lot keeps the rule it was posted under"
        )
        self.assertEqual(new.expiry_date, d("2025-04-10"))
        log = self.clinic.partner_id.message_ids[:1]
        self.assertIn("Points expire after (months): 12 → 3", log.body)

    @freeze_time("2026-02-01 03:00:00")
    def test_expiry_posts_what_was_not_drawn_once(self):
        self._add(10, d("2025-01-10"))  # expires 2026-01-10
        self._add(20, d("2025-01-20"))  # expires 2026-01-20
        third = self._add(30, d("2025-06-10"))  # expires 2026-06-10
        self._take(15)
        self.assertEqual(self.Expiry._run_expiry(), 1)
        expiry = self._expiries()
        self.assertEqual(expiry.points, -15, "what was left of the two expired lots")
        self.assertEqual(expiry.key, f"expiry:{self.acc.id}:2026-02-01")
        self.assertEqual(self.acc.balance, 30)
        self.assertEqual(third.remaining, 30, "a live lot does not expire")
        self.assertLotsHoldBalance()

    @freeze_time("2026-02-01 03:00:00")
    def test_rerun_posts_nothing_new(self):
        self._add(10, d("2025-01-10"))
        self._add(10, d("2025-06-10"))
        self.assertEqual(self.Expiry._run_expiry(), 1)
        entries = self.Entry.search_count([])
        self.assertEqual(self.Expiry._run_expiry(), 0)
        self.assertEqual(self.Expiry._run_expiry(today=d("2026-02-02")), 0, "the next night: nothing new")
        self.assertEqual(self.Entry.search_count([]), entries)
        self.assertEqual(self.acc.balance, 10)
        # The second lot expires once, later.
        self.assertEqual(self.Expiry._run_expiry(today=d("2026-06-10")), 1)
        self.assertEqual(self._expiries().mapped("points"), [-10, -10])
        self.assertEqual(self.acc.balance, 0)
        self.assertLotsHoldBalance()

    @freeze_time("2026-02-01 03:00:00")
    def test_negative_balance_never_expires_further(self):
        self._add(10, d("2025-01-10"))
        self._take(15, kind="reversal")
        self.assertEqual(self.acc.balance, -5)
        self.assertEqual(self.Expiry._run_expiry(), 0)
        self.assertFalse(self._expiries())
        self.assertEqual(self.acc.balance, -5)
        # Points added later settle the debt first: the lots hold the balance.
        self._add(20, d("2026-01-25"))
        self.assertEqual(self.acc.balance, 15)
        self.assertLotsHoldBalance()

    def test_expiry_never_touches_held_points(self):
        lot = self._add(40, d("2025-01-10"))  # expires 2026-01-10
        with freeze_time("2025-12-20"):
            req = self._portal_request(self.reward, self.acc)
        self.assertEqual(lot.remaining, 10, "the request drew its points at once")
        with freeze_time("2026-02-01"):
            self.assertEqual(self.Expiry._run_expiry(), 1)
        self.assertEqual(self._expiries().points, -10, "only what was not held")
        self.assertEqual(req.state, "pending")
        self.assertEqual(self.acc.balance, 0)
        self.assertLotsHoldBalance()

    def test_cancel_keeps_the_original_expiry_date(self):
        self._add(20, d("2025-01-10"))  # expires 2026-01-10
        self._add(20, d("2025-03-10"))  # expires 2026-03-10
        with freeze_time("2025-12-20"):
            req = self._portal_request(self.reward, self.acc)  # 30 points: 20 + 10
            req._cancel()
        back = self.Lot.search([("restored_entry_id", "!=", False), ("account_id", "=", self.acc.id)])
        self.assertEqual(
            sorted((lot.expiry_date, lot.points) for lot in back),
            [(d("2026-01-10"), 20), (d("2026-03-10"), 10)],
            "no extension by cancel-and-request",
        )
        with freeze_time("2026-01-11"):
            # Request again, refuse: still the original dates, nothing gained.
            req = self._portal_request(self.reward, self.acc)
            req._refuse("Out of stock")
            self.assertEqual(self.Expiry._run_expiry(), 1)
        self.assertEqual(self._expiries().points, -20, "the first lot's points expired on their day")
        self.assertEqual(self.acc.balance, 20)
        self.assertLotsHoldBalance()

    @freeze_time("2026-02-01 03:00:00")
    def test_queries_per_batch_do_not_grow_with_accounts(self):
        def run(count):
            for i in range(count):
                account = self.Account._account_for(
                    self.env["res.partner"].create({"name": f"Q{count}-{i}"}), self.clinic
                )
                for day in ("2025-01-10", "2025-01-11", "2025-06-10"):
                    self._add(5, d(day), account)
            self.env.flush_all()
            with count_queries(self.env.cr) as counter:
                self.assertEqual(self.Expiry._run_expiry(), count)
            return counter.count

        self.assertEqual(run(5), run(40), "one set of queries per batch, whatever its size")
        self.assertLessEqual(run(3), 12)
