import contextlib

import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLedger(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["clinic.loyalty.reward"].create(
            {
                "name": "Free nail trim",
                "points_cost": 5,
                "company_id": cls.clinic.id,
            }
        )
        cls.clinic.loyalty_status = "on"
        cls.invoice = cls._paid_invoice(cls.client_a, [(cls.consultation, 50.0)])
        cls.env["clinic.loyalty.accrual"]._run_accrual()
        cls.account = cls.env["clinic.loyalty.account"].search([("partner_id", "=", cls.client_a.id)])
        cls.entry = cls.account.entry_ids
        cls.admin = cls.env.ref("base.user_admin")

    def test_accrued_entry(self):
        self.assertEqual(self.account.balance, 5)
        self.assertRecordValues(
            self.entry,
            [
                {
                    "points": 5,
                    "kind": "accrual",
                    "partner_id": self.client_a.id,
                    "company_id": self.clinic.id,
                    "res_model": "account.move",
                    "res_id": self.invoice.id,
                    "source_name": self.invoice.name,
                    "amount": 50.0,
                    "key": f"account.move:{self.invoice.id}:1",
                }
            ],
        )

    # ------------------------------------------------------------------
    # Append-only: not through the ORM, not through SQL
    # ------------------------------------------------------------------
    def test_orm_cannot_create_write_or_delete_entries_even_as_superuser(self):
        for env in (self.env(su=True), self.env(user=self.admin, su=True)):
            Entry = env["clinic.loyalty.entry"]
            with self.assertRaisesRegex(UserError, "posted by the loyalty programme only"):
                Entry.create(
                    {
                        "account_id": self.account.id,
                        "partner_id": self.client_a.id,
                        "company_id": self.clinic.id,
                        "points": 100,
                        "kind": "adjustment",
                        "date": "2024-01-01",
                        "key": "forged",
                    }
                )
            entry = Entry.browse(self.entry.id)
            with self.assertRaisesRegex(UserError, "Ledger entries cannot be changed"):
                entry.write({"points": 100})
            with self.assertRaisesRegex(UserError, "Ledger entries cannot be changed"):
                entry.write({"reason": "rewritten history"})
            with self.assertRaisesRegex(UserError, "Ledger entries cannot be deleted"):
                entry.unlink()
        self.assertEqual(self.entry.points, 5)
        self.assertEqual(self.account.balance, 5)

    def test_database_refuses_update_and_delete(self):
        for query in (
            "UPDATE clinic_loyalty_entry SET points = 500 WHERE id = %s",
            "UPDATE clinic_loyalty_entry SET account_id = account_id, kind = 'adjustment' WHERE id = %s",
            "UPDATE clinic_loyalty_entry SET key = 'other' WHERE id = %s",
            "DELETE FROM clinic_loyalty_entry WHERE id = %s",
        ):
            with (
                self.subTest(query=query),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.RaiseException),
                self.cr.savepoint(),
            ):
                self.cr.execute(query, [self.entry.id])
        self.cr.execute("SELECT points, kind, key FROM clinic_loyalty_entry WHERE id = %s", [self.entry.id])
        self.assertEqual(self.cr.fetchone(), (5, "accrual", f"account.move:{self.invoice.id}:1"))

    def test_orm_cannot_set_balances_even_as_superuser(self):
        account = self.account.sudo()
        for vals in ({"balance": 1000}, {"spend_carry": 99.0}, {"partner_id": self.client_b.id}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                account.write(vals)
        with self.assertRaises(AccessError):
            self.Account.sudo().create(
                {"partner_id": self.client_b.id, "company_id": self.clinic.id, "balance": 50}
            )
        self.assertEqual(self.account.balance, 5)

    def test_entries_move_balances(self):
        posted = self._post(self.account, -2, kind="adjustment", key="adj-1", reason="Goodwill fix")
        self.assertEqual(posted, ["adj-1"])
        self.assertEqual(self.account.balance, 3)
        adjustment = self.account.entry_ids.filtered(lambda e: e.key == "adj-1")
        self.assertRecordValues(
            adjustment, [{"points": -2, "reason": "Goodwill fix", "res_id": 0, "user_id": self.env.uid}]
        )

    # ------------------------------------------------------------------
    # Redemptions
    # ------------------------------------------------------------------
    def test_redeem(self):
        key = self.account._redeem(3, "Nail trim", "redeem-1", consent="staff")
        self.assertEqual(key, "redeem-1")
        self.assertEqual(self.account.balance, 2)
        with self.assertRaisesRegex(UserError, "already recorded"):
            self.account._redeem(3, "Nail trim", "redeem-1", consent="staff")
        self.assertEqual(self.account.balance, 2)

    def test_redemption_below_zero_is_refused(self):
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.account._redeem(6, "Too much", "redeem-big", consent="portal")
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self._post(self.account, -6, kind="redemption", key="redeem-direct")
        self.assertEqual(self.account.balance, 5)
        self.assertEqual(len(self.account.entry_ids), 1)
        # Exactly the balance is fine.
        self.account._redeem(5, "All of it", "redeem-all", consent="portal")
        self.assertEqual(self.account.balance, 0)

    def test_replayed_credit_does_not_fund_a_redemption(self):
        self._post(self.account, 100, key="bonus")
        self._post(self.account, -100, kind="reversal", key="bonus-back")
        # "bonus" is already posted: replaying it adds nothing, so it cannot
        # cover a redemption posted with it.
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.Account._post_entries(
                [
                    {"account_id": self.account.id, "points": 100, "kind": "adjustment", "key": "bonus"},
                    {"account_id": self.account.id, "points": -50, "kind": "redemption", "key": "spend-50"},
                ]
            )
        self.assertEqual(self.account.balance, 5)

    def test_refused_redemption_posts_nothing_of_its_batch(self):
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.Account._post_entries(
                [
                    {"account_id": self.account.id, "points": 10, "kind": "adjustment", "key": "adj-ok"},
                    {"account_id": self.account.id, "points": -20, "kind": "redemption", "key": "red-ko"},
                ]
            )
        self.assertEqual(self.account.balance, 5)
        self.assertEqual(len(self.account.entry_ids), 1)

    def test_reversal_may_go_negative_and_blocks_redemption(self):
        self._post(self.account, -8, kind="reversal", key="clawback")
        self.assertEqual(self.account.balance, -3)
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.account._redeem(1, "Anything", "redeem-neg", consent="staff")
        self._post(self.account, 3, key="adj-back")
        self.assertEqual(self.account.balance, 0)
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.account._redeem(1, "Anything", "redeem-zero", consent="staff")
        self._post(self.account, 4, key="adj-positive")
        self.account._redeem(1, "Anything", "redeem-ok", consent="staff")
        self.assertEqual(self.account.balance, 3)

    def test_redeem_requires_status_on_and_valid_request(self):
        with self.assertRaisesRegex(UserError, "Unknown redemption consent telepathy"):
            self.account._redeem(1, "x", "r-consent", consent="telepathy")
        for points in (0, -3):
            with self.assertRaisesRegex(UserError, "must spend a positive number of points"):
                self.account._redeem(points, "x", f"r-{points}", consent="staff")
        self.clinic.loyalty_status = "test"
        with self.assertRaisesRegex(UserError, "not open for redemptions"):
            self.account._redeem(1, "x", "r-test", consent="staff")
        self.assertEqual(self.account.balance, 5)

    def test_key_is_unique_per_clinic(self):
        self.assertEqual(self._post(self.account, 1, key="same"), ["same"])
        self.assertEqual(self._post(self.account, 1, key="same"), [])
        other = self.Account._account_for(self.client_b, self.clinic)
        self.assertEqual(self._post(other, 4, key="same"), [])
        self.assertEqual((self.account.balance, other.balance), (6, 0))

    # ------------------------------------------------------------------
    # Drift check
    # ------------------------------------------------------------------
    def test_check_drift_reports_a_tampered_balance(self):
        self.assertEqual(self.Account._check_drift(), [])
        with contextlib.closing(self.cr.savepoint()):
            self.cr.execute("UPDATE clinic_loyalty_account SET balance = 42 WHERE id = %s", [self.account.id])
            self.assertEqual(self.Account._check_drift(), [(self.account.id, 42, 5)])
        self.assertEqual(self.Account._check_drift(), [])

    def test_account_for_one_pair(self):
        self.assertEqual(self.Account._account_for(self.client_a, self.clinic), self.account)
        other = self.Account._account_for(self.client_b, self.clinic)
        self.assertEqual((other.partner_id, other.company_id, other.balance), (self.client_b, self.clinic, 0))
        self.assertEqual(self.Account._account_for(self.client_b, self.clinic), other, "created once")

    def test_get_or_create_is_idempotent(self):
        pairs = [(self.client_a.id, self.clinic.id), (self.client_b.id, self.clinic.id)]
        first = self.Account._get_or_create(pairs)
        self.assertEqual(first[pairs[0]], self.account.id)
        self.assertEqual(self.Account._get_or_create(pairs + pairs), first)
        clients = [self.client_a.id, self.client_b.id]
        self.assertEqual(self.Account.search_count([("partner_id", "in", clients)]), 2)
