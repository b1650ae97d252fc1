from odoo.tests import tagged

from odoo.addons.clinic_loyalty.tests.common import count_queries

from .common import PmsCommon


@tagged("post_install", "-at_install")
class TestPerformance(PmsCommon):
    """Staging is set-based: the number of queries depends on the number of
    batches, not on the number of lines, invoices or clients."""

    def rows(self, count, offset=0):
        return [
            f"Q{offset + i // 3},2026-03-01,,C{offset + i // 3},Client,,c{offset + i}@example.com,"
            f"{'EXAM' if i % 2 else 'VAC'},,1,12.50,"
            for i in range(count)
        ]

    def measure(self, count, offset):
        self.env.flush_all()
        self.env.invalidate_all()
        with count_queries(self.env.cr) as counter:
            log = self.import_rows(self.generic, self.rows(count, offset))
            self.env.flush_all()
        self.assertEqual(log.row_count, count)
        return counter.count

    def test_queries_do_not_grow_with_lines(self):
        self.measure(30, 0)  # warm the caches
        small = self.measure(30, 1000)
        large = self.measure(900, 2000)
        self.assertEqual(large, small, "one batch costs the same whatever its size")

    def test_queries_grow_with_batches_only(self):
        from ..models import pms_import

        self.patch(pms_import, "BATCH_ROWS", 300)
        self.measure(30, 0)
        one = self.measure(300, 1000)
        three = self.measure(900, 2000)
        self.assertLessEqual(three - one, 2 * 12, "at most 12 queries per extra batch")
