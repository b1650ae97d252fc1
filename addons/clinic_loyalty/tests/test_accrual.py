from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.clinic_loyalty.models.loyalty_accrual import ClinicLoyaltyAccrual

from .common import ClinicLoyaltyCommon, count_queries

# A whole run of one batch (5 or 50 invoices here, up to 2,000 in production)
# plus the empty batch that ends it: through the ORM cursor, and in all
# (execute_values goes straight to psycopg2; the documents' UPDATE goes
# through the ORM cursor since it is composed with odoo.tools.SQL).
# New accounts cost one more: the OTP addon fixes their number for codes.
# The points' lots (expiry) are one more INSERT; the balances' UPDATE goes
# through the ORM cursor too.
# Batches run in savepoints (SAVEPOINT, RELEASE) and each run asks once
# whether documents were set aside before (clinic.loyalty.accrual.failure);
# each batch asks once which of its clients are staff (staff purchases).
ORM_QUERIES = 19
ALL_QUERIES = 21


class Killed(BaseException):  # a real kill is no Python error
    """Stands for the process being killed mid-run."""


@tagged("post_install", "-at_install")
class TestAccrual(ClinicLoyaltyCommon):
    # ------------------------------------------------------------------
    # Earning modes: the product document's example
    # ------------------------------------------------------------------
    def test_example_per_transaction(self):
        """Paying 15.00 twice earns 1 + 1 = 2 points per transaction."""
        self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 1)
        self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 2)
        entries = self._entries(self.client_a)
        self.assertEqual(entries.mapped("points"), [1, 1])
        self.assertEqual(set(entries.mapped("kind")), {"accrual"})
        self.assertEqual(entries.mapped("amount"), [15.0, 15.0])
        self.assertEqual(set(entries.mapped("res_model")), {"account.move"})

    def test_example_total_spend(self):
        """Paying 15.00 twice earns 1 point, then 3 in all, on total spend."""
        self.clinic.loyalty_earning_mode = "total_spend"
        self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 1)
        self.assertEqual(self._account(self.client_a).spend_carry, 5.0)
        self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self.assertEqual(self._account(self.client_a).spend_carry, 0.0)
        self.assertEqual(self._entries(self.client_a).mapped("points"), [1, 2])

    def test_total_spend_several_invoices_in_one_run(self):
        """Total spend is cumulative inside a batch too (same client twice)."""
        self.clinic.loyalty_earning_mode = "total_spend"
        for _i in range(3):
            self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 4)  # floor(45 / 10)
        self.assertEqual(self._account(self.client_a).spend_carry, 5.0)

    # ------------------------------------------------------------------
    # Amounts
    # ------------------------------------------------------------------
    def test_minimum_transaction_amount(self):
        self.clinic.loyalty_min_transaction_amount = 20.0
        self._paid_invoice(self.client_a, [(self.consultation, 19.99)])
        # The minimum applies to the eligible amount, not the invoice total.
        self._paid_invoice(self.client_a, [(self.consultation, 15.0), (self.pet_food, 50.0)])
        self._paid_invoice(self.client_b, [(self.consultation, 20.0)])
        self._accrue()
        self.assertFalse(self._entries(self.client_a))
        self.assertEqual(self._balance(self.client_a), 0)
        self.assertEqual(self._balance(self.client_b), 2)

    def test_floor_rounding(self):
        self._paid_invoice(self.client_a, [(self.consultation, 19.99)])
        self._paid_invoice(self.client_a, [(self.consultation, 9.99)])
        self._paid_invoice(self.client_b, [(self.consultation, 20.0)])
        self._accrue()
        self.assertEqual(self._entries(self.client_a).mapped("points"), [1])
        self.assertEqual(self._balance(self.client_b), 2)

    def test_eligible_amount_is_untaxed_subtotal_of_eligible_lines(self):
        invoice = self._paid_invoice(
            self.client_a,
            [
                (self.consultation, 95.0),  # 109.25 with tax: 10 points if tax counted
                (self.vaccine, 20.0, 2),  # quantity counts
                (self.pet_food, 100.0),  # not eligible
                (self.euthanasia, 90.0),  # sensitive, not eligible
            ],
        )
        self.assertAlmostEqual(invoice.amount_untaxed, 325.0)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 13)  # floor(135 / 10)
        self.assertEqual(invoice.loyalty_counted_amount, 135.0)
        self.assertEqual(invoice.loyalty_points, 13)

    def test_foreign_currency_counts_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self.assertNotEqual(self.clinic.currency_id, eur)
        # 50.00 EUR at 2 EUR per company unit = 25.00 in company currency.
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 50.0)], currency=eur)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 2)
        self.assertEqual(invoice.loyalty_counted_amount, 25.0)

    def test_account_is_per_commercial_partner(self):
        self._paid_invoice(self.farm_contact, [(self.consultation, 30.0)])
        self._accrue()
        self.assertEqual(self._account(self.farm).balance, 3)
        self.assertFalse(self.Account.search([("partner_id", "=", self.farm_contact.id)]))

    def test_unpaid_and_draft_invoices_earn_nothing(self):
        self._invoice(self.client_a, [(self.consultation, 30.0)])
        self._invoice(self.client_a, [(self.consultation, 30.0)], post=False)
        self._paid_invoice(self.client_b, [(self.pet_food, 30.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)
        self.assertFalse(self._entries(self.client_a))
        self.assertFalse(
            self.Account.search([("partner_id", "in", (self.client_a | self.client_b).ids)]),
            "no account is opened for clients with nothing to count",
        )

    def test_reversal_follows_the_account_that_earned(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        earned_on = self._account(self.client_a)
        self.assertEqual(earned_on.balance, 3)
        # The client becomes a contact of a company: their commercial partner
        # changes, but the points to take back are on the account that got them.
        self.client_a.parent_id = self.farm
        self._credit_note(invoice)
        self._accrue()
        self.assertEqual(earned_on.balance, 0)
        self.assertFalse(self.Account.search([("partner_id", "=", self.farm.id)]))

    def test_start_date(self):
        self.clinic.loyalty_start_date = "2024-06-01"
        self._paid_invoice(self.client_a, [(self.consultation, 30.0)], date="2024-05-31")
        self._paid_invoice(self.client_a, [(self.consultation, 50.0)], date="2024-06-01")
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)

    # ------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------
    def test_status_off_test_on(self):
        self.clinic.loyalty_status = "off"
        first = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self.assertEqual(self._accrue(), 0)
        self.assertFalse(self._account(self.client_a))
        self.assertFalse(first.loyalty_synced)

        self.clinic.loyalty_status = "test"
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)

        self.env["clinic.loyalty.reward"].create(
            {
                "name": "Free nail trim",
                "points_cost": 5,
                "company_id": self.clinic.id,
            }
        )
        self.clinic.loyalty_status = "on"
        self._paid_invoice(self.client_a, [(self.consultation, 20.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)

    # ------------------------------------------------------------------
    # Corrections: credit notes, payments removed, reset to draft
    # ------------------------------------------------------------------
    def test_credit_note_full(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0), (self.pet_food, 10.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self._credit_note(invoice)
        self.assertFalse(invoice.loyalty_synced)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)
        reversal = self._entries(self.client_a)[-1]
        self.assertEqual((reversal.kind, reversal.points, reversal.res_id), ("reversal", -3, invoice.id))
        self.assertEqual(invoice.loyalty_points, 0)

    def test_credit_note_partial_is_proportional(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 100.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 10)
        self._credit_note(invoice, ratio=0.4)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 6)
        self._credit_note(invoice, amount=10.0)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 5)
        self.assertEqual(self._entries(self.client_a).mapped("points"), [10, -4, -1])
        self.assertEqual(invoice.loyalty_counted_amount, 50.0)

    def test_credit_note_on_non_eligible_line_keeps_points(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0), (self.pet_food, 40.0)])
        self._accrue()
        refund = invoice._reverse_moves([{"invoice_date": invoice.invoice_date}])
        refund.invoice_line_ids.filtered(lambda line: line.product_id == self.consultation).unlink()
        refund.action_post()
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)

    def test_draft_credit_note_changes_nothing(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        invoice._reverse_moves([{"invoice_date": invoice.invoice_date}])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)

    def test_credit_note_total_spend(self):
        self.clinic.loyalty_earning_mode = "total_spend"
        first = self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._paid_invoice(self.client_a, [(self.consultation, 15.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self._credit_note(first)
        self._accrue()
        # 15.00 of paid spend left: 1 point, 5.00 carried.
        self.assertEqual(self._balance(self.client_a), 1)
        self.assertEqual(self._account(self.client_a).spend_carry, 5.0)

    def test_payment_removed_after_accrual_is_reversed(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self._unpay(invoice)
        self.assertEqual(invoice.payment_state, "not_paid")
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)
        self.assertEqual(self._entries(self.client_a).mapped("kind"), ["accrual", "reversal"])
        # Paid again: earns again, with a new key.
        self._pay(invoice)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        self.assertEqual(len(set(self._entries(self.client_a).mapped("key"))), 3)

    def test_payment_removed_total_spend(self):
        self.clinic.loyalty_earning_mode = "total_spend"
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 25.0)])
        self._accrue()
        self._unpay(invoice)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)
        self.assertEqual(self._account(self.client_a).spend_carry, 0.0)

    def test_reset_to_draft_after_accrual_is_reversed(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        invoice.button_draft()
        self.assertEqual(invoice.state, "draft")
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)
        invoice.button_cancel()
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 0)

    # ------------------------------------------------------------------
    # Idempotency and crashes
    # ------------------------------------------------------------------
    def test_idempotent_rerun(self):
        self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._paid_invoice(self.client_b, [(self.consultation, 50.0)])
        self.assertEqual(self._accrue(), 2)
        self.assertEqual(self._accrue(), 0)
        self.assertEqual(self.Accrual._pending_count(), 0)
        self.assertEqual(self._balance(self.client_a), 3)
        self.assertEqual(self._balance(self.client_b), 5)
        self.assertEqual(len(self.Entry.search([("company_id", "=", self.clinic.id)])), 2)

    def test_crash_between_batches_then_rerun_accrues_once(self):
        clients = self.env["res.partner"].create([{"name": f"Client {i}"} for i in range(5)])
        invoices = self.env["account.move"]
        for client in clients:
            invoices |= self._invoice(client, [(self.consultation, 30.0)])
        self._pay(invoices)
        real_batch = ClinicLoyaltyAccrual._accrue_batch
        calls = []

        def crashing_batch(accrual, *args, **kwargs):
            calls.append(args)
            if len(calls) != 2:
                return real_batch(accrual, *args, **kwargs)
            # The second batch does its work, then the process dies before
            # committing: its transaction is rolled back, the first one stays.
            with self.env.cr.savepoint():
                real_batch(accrual, *args, **kwargs)
                raise Killed()

        # (not assertRaises: it would roll back the first batch with it)
        with patch.object(ClinicLoyaltyAccrual, "_accrue_batch", crashing_batch):
            killed = False
            try:
                self._accrue(batch_size=2)
            except Killed:
                killed = True
        self.assertTrue(killed, "the run should have been killed")
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(self.Entry.search([("partner_id", "in", clients.ids)])), 2)
        self.assertEqual(self.Accrual._pending_count(), 3)

        self.assertEqual(self._accrue(batch_size=2), 3)
        for client in clients:
            self.assertEqual(self._balance(client), 3, client.name)
            self.assertEqual(len(self._entries(client)), 1)
        self.assertEqual(self._accrue(batch_size=2), 0)

    def test_batches_commit_and_report_progress(self):
        clients = self.env["res.partner"].create([{"name": f"Client {i}"} for i in range(3)])
        invoices = self.env["account.move"]
        for client in clients:
            invoices |= self._invoice(client, [(self.consultation, 30.0)])
        self._pay(invoices)
        with (
            patch.object(self.env.cr, "commit") as commit,
            patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress,
        ):
            self.assertEqual(self._accrue(batch_size=2, commit=True, progress=True), 3)
        self.assertEqual(commit.call_count, 2)
        self.assertEqual(
            [c.kwargs for c in progress.call_args_list],
            [{"done": 2, "remaining": 1}, {"done": 3, "remaining": 0}],
        )

    def test_nightly_cron_runs_the_engine(self):
        cron = self.env.ref("clinic_loyalty.ir_cron_loyalty_accrual")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "clinic.loyalty.accrual")
        self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        with patch.object(self.env.cr, "commit") as commit:
            cron.method_direct_trigger()
        self.assertTrue(commit.called, "the cron commits its batches")
        self.assertEqual(self._balance(self.client_a), 3)
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_idempotency_key_collision_is_skipped(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        account = self.Account._account_for(self.client_a, self.clinic)
        # Something already posted the key the accrual is about to use.
        self.assertEqual(
            self._post(account, 7, key=f"account.move:{invoice.id}:1"), [f"account.move:{invoice.id}:1"]
        )
        self._accrue()
        self.assertEqual(self._entries(self.client_a).mapped("points"), [7])
        self.assertEqual(account.balance, 7)
        # Posting the same key again is a no-op too.
        self.assertEqual(self._post(account, 7, key=f"account.move:{invoice.id}:1"), [])
        self.assertEqual(account.balance, 7)

    # ------------------------------------------------------------------
    # Settings changes
    # ------------------------------------------------------------------
    def test_spend_per_point_change_applies_from_then_on(self):
        old = self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3)
        messages = self.clinic.partner_id.message_ids
        self.clinic.loyalty_spend_per_point = 5.0
        log = self.clinic.partner_id.message_ids - messages
        self.assertIn("loyalty_spend_per_point", log.body)
        self._paid_invoice(self.client_a, [(self.consultation, 30.0)])
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 3 + 6)
        # A later credit note takes back at the rate the points were earned at.
        self._credit_note(old)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 6)

    # ------------------------------------------------------------------
    # Set-based: the query count does not grow with the batch
    # ------------------------------------------------------------------
    def _pending_invoices(self, count):
        clients = self.env["res.partner"].create([{"name": f"Client {i}"} for i in range(count)])
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create({"product_id": self.consultation.id, "price_unit": 30.0}),
                        Command.create({"product_id": self.pet_food.id, "price_unit": 20.0}),
                    ],
                }
                for client in clients
            ]
        )
        invoices.action_post()
        self._pay(invoices)
        return invoices

    def test_query_count_does_not_grow_with_invoices(self):
        counts = []
        for count, mode in (
            (5, "per_transaction"),
            (50, "per_transaction"),
            (5, "total_spend"),
            (50, "total_spend"),
        ):
            self.clinic.loyalty_earning_mode = mode
            invoices = self._pending_invoices(count)
            self.env.flush_all()
            self.env.invalidate_all()
            # ORM-level budget, and every statement including the ones sent
            # straight to psycopg2 (execute_values).
            # Only the invoice source: other installed sources (PMS import) add
            # their own constant share and are budgeted by their own tests.
            with (
                patch.object(type(self.Accrual), "_accrual_sources", lambda _self: ["account.move"]),
                self.assertQueryCount(ORM_QUERIES),
                count_queries(self.env.cr) as counter,
            ):
                self.assertEqual(self._accrue(), count)
            counts.append(counter.count)
            self.assertEqual(set(invoices.mapped("loyalty_points")), {3})
        self.assertEqual(counts[0], counts[1], "per transaction: more invoices, more queries")
        self.assertEqual(counts[2], counts[3], "total spend: more invoices, more queries")
        self.assertLessEqual(max(counts), ALL_QUERIES)
