from odoo.tests import tagged

from .common import PmsCommon

ROW = "{inv},2026-03-01,{status},P-1,Alice,,alice@example.com,{code},,1,{amount},"


@tagged("post_install", "-at_install")
class TestReimport(PmsCommon):
    def rows(self, *lines):
        return [ROW.format(inv=i, status=s, code=c, amount=a) for i, s, c, a in lines]

    def points(self):
        return self.balance(self.alice)

    def test_same_file_twice_accrues_once(self):
        rows = self.rows(
            ("I1", "paid", "EXAM", "55"), ("I1", "paid", "FOOD", "10"), ("I2", "paid", "VAC", "20")
        )
        self.import_rows(self.generic, rows)
        self.accrue()
        self.assertEqual(self.points(), 7)
        entries = self.env["clinic.loyalty.entry"].search_count([])
        self.import_rows(self.generic, rows)
        self.assertEqual(self.Invoice.search_count([("profile_id", "=", self.generic.id)]), 2)
        self.assertEqual(
            self.env["clinic.loyalty.pms.invoice.line"].search_count(
                [("invoice_id.profile_id", "=", self.generic.id)]
            ),
            3,
            "lines are replaced, not duplicated",
        )
        self.accrue()
        self.assertEqual(self.points(), 7)
        self.assertEqual(self.env["clinic.loyalty.entry"].search_count([]), entries)
        self.assertBooksHold()

    def test_changed_amount_posts_difference(self):
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "100")))
        self.accrue()
        self.assertEqual(self.points(), 10)
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "150")))
        self.accrue()
        self.assertEqual(self.points(), 15)
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "60")))
        self.accrue()
        self.assertEqual(self.points(), 6)
        entries = self.env["clinic.loyalty.entry"].search([("source_name", "=", "I1")], order="id")
        self.assertEqual(entries.mapped("points"), [10, 5, -9])
        self.assertEqual(entries.mapped("kind"), ["import", "import", "reversal"])
        self.assertBooksHold()

    def test_void_reverses(self):
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "80")))
        self.accrue()
        self.assertEqual(self.points(), 8)
        self.import_rows(self.generic, self.rows(("I1", "Voided", "EXAM", "80")))
        self.assertEqual(self.Invoice.search([("name", "=", "I1")]).state, "void")
        self.accrue()
        self.assertEqual(self.points(), 0)
        self.assertEqual(
            self.env["clinic.loyalty.entry"].search([("source_name", "=", "I1")], limit=1).kind, "reversal"
        )

    def test_refund_invoice_takes_points_back(self):
        """A PMS refund is an invoice of its own with negative amounts: its
        points go back at the earning rate, the minimum amount aside."""
        self.clinic.loyalty_min_transaction_amount = 50.0
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "100"), ("I1", "paid", "FOOD", "40")))
        self.accrue()
        self.assertEqual(self.points(), 10)
        self.import_rows(
            self.generic, self.rows(("CR1", "paid", "EXAM", "-35"), ("CR1", "paid", "FOOD", "-40"))
        )
        self.accrue()
        self.assertEqual(
            self.points(), 7, "35.00 of eligible spend refunded: 3 points back; food never counted"
        )
        self.import_rows(self.generic, self.rows(("CR1", "paid", "EXAM", "-60")))
        self.accrue()
        self.assertEqual(self.points(), 4)
        self.import_rows(self.generic, self.rows(("CR1", "void", "EXAM", "-60")))
        self.accrue()
        self.assertEqual(self.points(), 10, "a voided refund gives the points back")
        entries = self.env["clinic.loyalty.entry"].search([("source_name", "=", "CR1")], order="id")
        self.assertEqual(entries.mapped("points"), [-3, -3, 6])
        self.assertEqual(entries.mapped("kind"), ["reversal", "reversal", "import"])
        self.assertBooksHold()

    def test_refund_invoice_in_total_spend_mode(self):
        self.clinic.loyalty_earning_mode = "total_spend"
        self.import_rows(self.generic, self.rows(("I1", "", "EXAM", "15"), ("I2", "", "EXAM", "15")))
        self.accrue()
        self.assertEqual(self.points(), 3)
        self.import_rows(self.generic, self.rows(("CR1", "", "EXAM", "-15")))
        self.accrue()
        self.assertEqual(self.points(), 1, "15.00 spent in all")
        self.assertBooksHold()

    def test_client_change_after_accrual_keeps_the_client(self):
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "80")))
        self.accrue()
        other = "I1,2026-03-01,,P-2,Carol,,carol@example.com,EXAM,,1,100,"
        self.import_rows(self.generic, [other])
        invoice = self.Invoice.search([("name", "=", "I1")])
        self.assertEqual((invoice.partner_id, invoice.pms_client_ref), (self.alice, "P-1"))
        self.accrue()
        self.assertEqual((self.points(), self.balance(self.carol)), (10, 0))
        self.assertBooksHold()

    def test_client_change_before_accrual_follows_the_file(self):
        self.clinic.loyalty_status = "off"
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "80")))
        self.accrue()
        self.import_rows(self.generic, ["I1,2026-03-01,,P-2,Carol,,carol@example.com,EXAM,,1,100,"])
        self.assertEqual(self.Invoice.search([("name", "=", "I1")]).partner_id, self.carol)

    def test_start_date_applies(self):
        self.clinic.loyalty_start_date = "2026-03-02"
        self.import_rows(self.generic, self.rows(("I1", "", "EXAM", "80")))  # dated 2026-03-01
        self.import_rows(self.generic, ["I2,2026-03-02,,P-1,Alice,,alice@example.com,EXAM,,1,30,"])
        self.accrue()
        self.assertEqual(self.points(), 3)

    def test_open_then_paid(self):
        self.import_rows(self.generic, self.rows(("I1", "Unpaid", "EXAM", "80")))
        self.accrue()
        self.assertEqual(self.points(), 0)
        self.import_rows(self.generic, self.rows(("I1", "", "EXAM", "80")))
        self.accrue()
        self.assertEqual(self.points(), 8)

    def test_void_line_voids_whole_invoice(self):
        self.import_rows(self.generic, self.rows(("I1", "paid", "EXAM", "80"), ("I1", "void", "VAC", "20")))
        self.assertEqual(self.Invoice.search([("name", "=", "I1")]).state, "void")

    def test_minimum_amount_and_eligibility_apply(self):
        self.clinic.loyalty_min_transaction_amount = 50.0
        self.import_rows(
            self.generic,
            self.rows(("I1", "", "EXAM", "45"), ("I1", "", "FOOD", "100"), ("I2", "", "EXAM", "50")),
        )
        self.accrue()
        self.assertEqual(self.points(), 5, "I1's eligible 45.00 is under the minimum; food never counts")

    def test_total_spend_mode(self):
        self.clinic.loyalty_earning_mode = "total_spend"
        self.import_rows(self.generic, self.rows(("I1", "", "EXAM", "15")))
        self.accrue()
        self.assertEqual(self.points(), 1)
        self.import_rows(self.generic, self.rows(("I2", "", "EXAM", "15")))
        self.accrue()
        self.assertEqual(self.points(), 3)

    def test_status_off_accrues_nothing(self):
        self.clinic.loyalty_status = "off"
        self.import_rows(self.generic, self.rows(("I1", "", "EXAM", "80")))
        self.accrue()
        self.assertEqual(self.points(), 0)

    def test_invoice_split_across_batches(self):
        from ..models import pms_import

        self.patch(pms_import, "BATCH_ROWS", 2)
        rows = self.rows(
            ("I1", "", "EXAM", "10"),
            ("I2", "", "EXAM", "10"),
            ("I1", "", "EXAM", "30"),
            ("I1", "void", "VAC", "5"),
            ("I2", "", "EXAM", "20"),
        )
        log = self.import_rows(self.generic, rows)
        self.assertEqual(log.invoice_count, 2)
        i1 = self.Invoice.search([("name", "=", "I1")])
        self.assertEqual((len(i1.line_ids), i1.amount_total, i1.state, i1.row_number), (3, 45.0, "void", 2))
        self.accrue()
        self.assertEqual(self.points(), 3)

    def test_progress_reported_by_batch(self):
        from ..models import pms_import

        self.patch(pms_import, "BATCH_ROWS", 5)
        calls = []
        IrCron = self.registry["ir.cron"]
        self.patch(IrCron, "_notify_progress", lambda self, **kw: calls.append((kw["done"], kw["remaining"])))
        self.import_rows(self.generic, self.rows(*[(f"I{i}", "", "EXAM", "10") for i in range(12)]))
        self.assertEqual(calls, [(5, 7), (10, 2)])
