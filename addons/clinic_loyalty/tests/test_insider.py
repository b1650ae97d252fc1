"""The insider: a member of staff with Odoo's default rights (Contact
Creation) trying to take a client's points without the client, over the
entry points a browser has (JSON-RPC ``call_kw``, portal routes with CSRF,
the contact merge wizard). Each attack must fail and leave nothing moved."""

import psycopg2

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ClinicLoyaltyCommon
from .test_reward_request import RewardRequestCommon


@tagged("post_install", "-at_install")
class TestInsider(RewardRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_loyalty()
        # Every new internal user gets Contact Creation in Odoo.
        cls.cashier = cls._new_user("insider_cashier", "front_desk", cls.clinic, "base.group_partner_manager")
        cls.accomplice = cls._new_user("insider_accomplice", "portal", cls.clinic)
        cls.manager = cls._new_user("insider_manager", "manager", cls.clinic, "base.group_partner_manager")

    # ------------------------------------------------------------------
    def call_kw(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def csrf_token(self):
        page = self.url_open("/my/account")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def portal_request(self, login, account=None):
        self.authenticate(login, login)
        url = f"/my/loyalty/{(account or self.account).id}/request"
        data = {"reward_id": self.reward.id, "csrf_token": self.csrf_token()}
        return self.url_open(url, data=data, allow_redirects=False)

    def assertUntouched(self):
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.Request.search([("account_id", "=", self.account.id)]))
        self.assertBooksHold()

    # ------------------------------------------------------------------
    @mute_logger("odoo.http")
    def test_reparent_own_contact_under_client_refused(self):
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "insider_cashier",
                "res.partner",
                "write",
                [[self.cashier.partner_id.id], {"parent_id": self.client.id}],
            )
        self.assertFalse(self.cashier.partner_id.parent_id)
        # Nor through the computed commercial entity itself.
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "insider_cashier",
                "res.partner",
                "write",
                [[self.cashier.partner_id.id], {"commercial_partner_id": self.client.id}],
            )
        self.assertEqual(self.cashier.partner_id.commercial_partner_id, self.cashier.partner_id)
        # The client cannot be moved under another entity either.
        company = self.env["res.partner"].create({"name": "Cashier & Co", "is_company": True})
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "insider_cashier", "res.partner", "write", [[self.client.id], {"parent_id": company.id}]
            )
        self.assertFalse(self.client.parent_id)
        self.assertUntouched()

    @mute_logger("odoo.http")
    def test_portal_consent_is_only_the_clients_own(self):
        # Even re-parented (as a manager may do for a real farm contact), an
        # accomplice's portal contact does not own the client's account.
        self.accomplice.partner_id.with_user(self.manager).parent_id = self.client
        self.assertEqual(self.portal_request("insider_accomplice").status_code, 404)
        self.assertUntouched()
        # Staff never consent through the portal, even for their own contact.
        self.assertEqual(self.portal_request("insider_cashier").status_code, 404)
        staff_client = self.Account._account_for(self.cashier.partner_id, self.clinic)
        self.Account._post_entries(
            [{"account_id": staff_client.id, "points": 50, "kind": "adjustment", "key": "seed:staff"}]
        )
        self.assertEqual(self.portal_request("insider_cashier", staff_client).status_code, 404)
        self.assertEqual(staff_client.balance, 50)
        # The client herself still can.
        self.assertEqual(self.portal_request("loyalty_portal").status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 70)

    @mute_logger("odoo.http")
    def test_portal_access_granted_by_a_manager_only(self):
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "insider_cashier",
                "clinic.loyalty.account",
                "write",
                [[self.account.id], {"portal_user_ids": [Command.link(self.accomplice.id)]}],
            )
        self.assertEqual(self.portal_request("insider_accomplice").status_code, 404)
        self.assertUntouched()
        self.account.with_user(self.manager).portal_user_ids = [Command.link(self.accomplice.id)]
        self.assertIn("Portal access changed", self.account.message_ids[0].body)
        self.assertEqual(self.portal_request("insider_accomplice").status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 70)
        with self.assertRaisesRegex(ValidationError, "Only portal users can be granted"):
            self.account.with_user(self.manager).portal_user_ids = [Command.link(self.cashier.id)]

    @mute_logger("odoo.http")
    def test_merge_wizard_refused_to_non_managers(self):
        wizard = self.call_kw(
            "insider_cashier",
            "base.partner.merge.automatic.wizard",
            "create",
            [
                {
                    "partner_ids": [Command.set([self.client.id, self.cashier.partner_id.id])],
                    "dst_partner_id": self.cashier.partner_id.id,
                }
            ],
        )
        with self.assertRaises(JsonRpcException):
            self.call_kw("insider_cashier", "base.partner.merge.automatic.wizard", "action_merge", [[wizard]])
        self.assertTrue(self.client.exists().active)
        self.assertEqual(self.account.partner_id, self.client)
        self.assertUntouched()

    def test_manager_merges_two_accounts_by_correcting_entries(self):
        duplicate = self.env["res.partner"].create({"name": "Jane Client (dup)", "email": self.client.email})
        dup_account = self.Account._account_for(duplicate, self.clinic)
        self.Account._post_entries(
            [{"account_id": dup_account.id, "points": 25, "kind": "adjustment", "key": "seed:dup"}]
        )
        entries_before = self.Entry.search([("account_id", "=", dup_account.id)]).read(
            ["points", "partner_id"]
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "partner_ids": [Command.set([self.client.id, duplicate.id])],
                    "dst_partner_id": self.client.id,
                }
            )
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertEqual(self.account.balance, 125)
        self.assertEqual(dup_account.balance, 0)
        self.assertFalse(dup_account.active)
        self.assertTrue(duplicate.exists(), "the merged contact is archived, not deleted")
        self.assertFalse(duplicate.active)
        # The ledger is untouched: the old entries still say what they said.
        self.assertEqual(
            self.Entry.search([("account_id", "=", dup_account.id), ("key", "=", "seed:dup")]).read(
                ["points", "partner_id"]
            ),
            entries_before,
        )
        self.assertEqual(
            self._entries(self.account).filtered(lambda e: e.key.startswith("merge:")).points, 25
        )
        self.assertIn("Contact merge", self.account.message_ids[0].body)
        self.assertBooksHold()

    def test_every_entry_column_is_immutable(self):
        entry = self._entries(self.account)[0]
        for column, value in [
            ("partner_id", self.other_client.id),
            ("reason", "'edited'"),
            ("source_name", "'edited'"),
            ("user_id", self.cashier.id),
            ("res_id", 1),
            ("res_model", "'res.partner'"),
        ]:
            with mute_logger("odoo.sql_db"):
                with self.assertRaises(psycopg2.Error, msg=column), self.env.cr.savepoint():
                    self.env.cr.execute(
                        f"UPDATE clinic_loyalty_entry SET {column} = {value} WHERE id = %s",  # noqa: S608
                        [entry.id],
                    )


@tagged("post_install", "-at_install")
class TestInsiderBeforeTheAccount(ClinicLoyaltyCommon, HttpCase):
    """The same insider, on a client whose paid invoices have not been
    accrued yet: no loyalty account exists, the nightly job creates it for
    whoever the invoices then belong to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier = cls._new_user("early_cashier", "front_desk", cls.clinic, "base.group_partner_manager")
        cls.invoice = cls._paid_invoice(cls.client_a, [(cls.consultation, 200.0)])
        cls.holding = cls.env["res.partner"].create(
            {"name": "Insider Holdings", "is_company": True, "mobile": "+32470999999"}
        )

    def call_kw(self, model, method, args, kwargs=None):
        self.authenticate("early_cashier", "early_cashier")
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def assertPointsStayWithTheClient(self):
        self.env.invalidate_all()
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 20)
        self.assertFalse(self.Account.search([("partner_id", "=", self.holding.id)]))
        self.assertEqual(self.invoice.commercial_partner_id, self.client_a)

    @mute_logger("odoo.http")
    def test_reparent_a_client_with_paid_invoices_refused(self):
        self.assertFalse(self.Account.search([("partner_id", "=", self.client_a.id)]))
        with self.assertRaises(JsonRpcException):
            self.call_kw("res.partner", "write", [[self.client_a.id], {"parent_id": self.holding.id}])
        self.assertFalse(self.client_a.parent_id)
        self.assertPointsStayWithTheClient()
        # A contact with nothing the programme counts is still the desk's to edit.
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        self.call_kw("res.partner", "write", [[walk_in.id], {"parent_id": self.holding.id}])
        self.assertEqual(walk_in.parent_id, self.holding)

    @mute_logger("odoo.http")
    def test_merge_a_client_with_paid_invoices_refused(self):
        duplicate = self.env["res.partner"].create(
            {"name": "Alice Owner (desk)", "email": self.client_a.email, "mobile": "+32470999998"}
        )
        wizard = self.call_kw(
            "base.partner.merge.automatic.wizard",
            "create",
            [
                {
                    "partner_ids": [Command.set([self.client_a.id, duplicate.id])],
                    "dst_partner_id": duplicate.id,
                }
            ],
        )
        with self.assertRaises(JsonRpcException):
            self.call_kw("base.partner.merge.automatic.wizard", "action_merge", [[wizard]])
        self.assertTrue(self.client_a.exists().active)
        self.assertEqual(self.invoice.partner_id, self.client_a)
        self._accrue()
        self.assertEqual(self._balance(self.client_a), 20)
        self.assertFalse(self.Account.search([("partner_id", "=", duplicate.id)]))
