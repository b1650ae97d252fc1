"""Each rule of the programme is written once: the client's account lookup,
giving points back, the share paid with points, the settings change log and
the signals' findings."""

from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import ClinicLoyaltyCommon


@tagged("post_install", "-at_install")
class TestOneRule(ClinicLoyaltyCommon):
    def test_lookup_finds_the_commercial_partners_account_at_one_clinic(self):
        farm = self._account_with_points(self.farm, self.clinic, 3)
        alice = self._account_with_points(self.client_a, self.clinic, 2)
        other = self.env["res.company"].sudo().create({"name": "Other clinic"})
        self._account_with_points(self.farm, other, 1, key="seed:farm:other", sudo=True)
        self.assertEqual(
            self.Account._lookup(self.farm_contact), farm, "a contact uses its company's account"
        )
        self.assertEqual(self.Account._lookup(self.farm_contact | self.client_a), farm | alice)
        self.assertEqual(self.Account._lookup(self.client_b), self.Account, "no account is created")
        self.assertEqual(self.Account.sudo()._lookup(self.farm, other).company_id, other)
        self.assertEqual(self.Account.sudo().with_company(other)._lookup(self.farm).company_id, other)

    def test_give_back_returns_points_once(self):
        account = self._account_with_points(self.client_a, self.clinic, 20)
        self._post(account, -12, kind="redemption", key="take:1")
        self._post(account, -3, kind="redemption", key="take:2")
        values = {"reason": "undone", "res_model": account._name, "res_id": account.id}
        self.assertEqual(account._give_back(["take:1", "take:2"], "back:1:", 4, **values), 4)
        self.assertEqual(account._give_back(["take:1", "take:2"], "back:1:", **values), 11, "what is left")
        self.assertEqual(account._give_back(["take:1", "take:2"], "back:1:", **values), 0, "nothing twice")
        self.assertEqual(account._give_back(["take:1", "take:2"], "back:1:", 5, **values), 0)
        refunds = self.Entry.search([("account_id", "=", account.id), ("kind", "=", "refund")], order="id")
        self.assertEqual(refunds.mapped("key"), ["back:1:0", "back:1:1"])
        self.assertEqual(refunds.mapped("points"), [4, 11])
        self.assertEqual(account.balance, 20)
        self.assertEqual(account._give_back(["take:2"], "back:2:", key="back:2:only", **values), 3)
        self.assertEqual(account.balance, 23, "another prefix is another give-back")

    def test_share_not_paid_with_points(self):
        share = self.env["clinic.loyalty.spend.source"]._loyalty_not_in_points_sql
        for paid, total, expected in ((30, 100, 0.7), (150, 100, 0), (None, 100, 1), (0, 100, 1), (10, 0, 1)):
            self.env.cr.execute(SQL("SELECT %s::float", share(SQL("%s::numeric", paid), SQL("%s", total))))
            self.assertAlmostEqual(self.env.cr.fetchone()[0], expected, msg=f"{paid} of {total}")

    def test_invoices_earn_on_the_share_of_the_mixin(self):
        invoice = self._paid_invoice(self.client_a, [(self.consultation, 50.0)])
        Move = self.env["account.move"]

        def target():
            self.env.flush_all()
            self.env.cr.execute(Move._loyalty_rows_sql([invoice.id]))
            return self.env.cr.dictfetchone()["target"]

        self.assertEqual(target(), 50.0)
        with patch.object(type(Move), "_loyalty_not_in_points_sql", lambda self, paid, total: SQL("0.4")):
            self.assertEqual(target(), 20.0)

    def test_settings_change_log(self):
        before = {self.clinic.id: {"loyalty_expiry_months": 0, "loyalty_spend_per_point": 10.0}}
        self.clinic.loyalty_expiry_months = 12
        messages = self.clinic.partner_id.message_ids
        self.clinic._loyalty_log_changes(
            before,
            ["loyalty_expiry_months", "loyalty_spend_per_point"],
            lambda name, changes: f"{name} changed {changes}",
            labels=True,
        )
        new = self.clinic.partner_id.message_ids - messages
        self.assertEqual(len(new), 1, "one message, only the fields that changed")
        label = self.clinic._fields["loyalty_expiry_months"].get_description(self.env)["string"]
        self.assertIn(f"{self.env.user.name} changed {label}: 0 → 12", new.body)
        self.assertNotIn("spend", new.body.lower())
        self.clinic._loyalty_log_changes(before, [], lambda name, changes: "never")
        self.assertEqual(self.clinic.partner_id.message_ids - messages, new, "nothing to log, no message")

    def test_signal_finding(self):
        Signal = self.env["clinic.loyalty.signal"]
        day = fields.Date.today()
        row = {
            "user_id": 1,
            "partner_id": 2,
            "points": 30,
            "entry_ids": [4, 5],
            "date": day,
            "models": ["account.move", None],
            "res_ids": [9, None],
        }
        self.assertEqual(
            Signal._signal_finding("unpaid", "1:2", row, "why", points=31),
            {
                "kind": "unpaid",
                "key": "unpaid:1:2",
                "user_id": 1,
                "partner_id": 2,
                "points": 31,
                "entry_ids": [4, 5],
                "date": day,
                "name": "why",
                "res_model": "account.move",
                "res_ids": [9],
            },
        )
        finding = Signal._signal_finding("adjust_peers", 7, {"user_id": 1, "points": 5}, "n")
        self.assertEqual(
            (finding["key"], finding["partner_id"], finding["entry_ids"]), ("adjust_peers:7", None, None)
        )
        self.assertNotIn("res_model", finding)
