"""A dishonest cashier (Odoo's default rights: Employee, Contact Creation,
Point of Sale User) minting points by editing paid orders over JSON-RPC
``call_kw``, by a sync payload whose lines do not add up, by putting their
own contact on a paid order, or by taking over a walk-in client's contact
before the nightly accrual creates its account. Each attack fails and
nothing is minted."""

from uuid import uuid4

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import OtpPosCommon

CASHIER_GROUPS = "base.group_user,base.group_partner_manager,point_of_sale.group_pos_user"
MANAGER_GROUPS = f"{CASHIER_GROUPS},clinic_loyalty.group_loyalty_manager"


@tagged("post_install", "-at_install")
class TestPosFrozen(OtpPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_earning_shop()
        cls.Order = cls.env["pos.order"]
        users = {}
        for login, groups in (
            ("frozen_cashier", CASHIER_GROUPS),
            ("frozen_manager", MANAGER_GROUPS),
            ("frozen_manager2", MANAGER_GROUPS),
        ):
            users[login] = new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
        cls.cashier = users["frozen_cashier"]
        cls.manager = users["frozen_manager"]
        cls.manager2 = users["frozen_manager2"]

    # ------------------------------------------------------------------
    def call_kw(self, user, model, method, args, kwargs=None):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def sale(self, partner, qty=1, **line_values):
        """A Grooming sale of ``qty`` paid in cash, synced by the cashier."""
        payload = self.payload(str(uuid4()), partner, [(self.cash_method, 50.0 * qty, None)], qty=qty)
        payload["lines"][0][2].update(line_values)
        self.call_kw(self.cashier, "pos.order", "sync_from_ui", [[payload]])
        return self.Order.search([("uuid", "=", payload["uuid"])])

    def balance_of(self, partner):
        self.env.invalidate_all()
        account = self.env["clinic.loyalty.account"].search(
            [("partner_id", "=", partner.commercial_partner_id.id), ("company_id", "=", self.company.id)]
        )
        return account.balance

    def assertRefused(self, user, attacks):
        for model, method, args, *kwargs in attacks:
            with self.assertRaises(JsonRpcException, msg=f"{model}.{method}({args})"):
                self.call_kw(user, model, method, args, *kwargs)

    # ------------------------------------------------------------------
    @mute_logger("odoo.http")
    def test_paid_order_and_lines_cannot_be_rewritten(self):
        order = self.sale(self.cashier.partner_id)
        line = order.lines
        big = {"price_unit": 500000.0, "price_subtotal": 500000.0, "price_subtotal_incl": 500000.0}
        new_line = {
            "order_id": order.id,
            "product_id": self.grooming.id,
            "qty": 1,
            "full_product_name": "Grooming",
            **big,
        }
        any_context = {"context": {"skip_readonly_check": True, "backend_recomputation": True}}
        self.assertRefused(
            self.cashier,
            [
                ("pos.order.line", "write", [line.ids, {"price_subtotal": 500000.0}]),
                ("pos.order.line", "write", [line.ids, big], any_context),
                ("pos.order.line", "write", [line.ids, {"qty": 10000}]),
                ("pos.order.line", "create", [new_line]),
                ("pos.order", "write", [order.ids, {"currency_rate": 0.0001}]),
                ("pos.order", "write", [order.ids, {"currency_rate": 0.0001}], any_context),
                ("pos.order", "write", [order.ids, {"amount_total": 500000.0}]),
                ("pos.order", "write", [order.ids, {"date_order": "2020-01-01 10:00:00"}]),
                ("pos.order", "write", [order.ids, {"lines": [Command.update(line.id, big)]}]),
                ("pos.order", "write", [order.ids, {"lines": [Command.create(new_line)]}]),
                ("pos.order", "write", [order.ids, {"state": "draft"}]),
            ],
        )
        self.env.invalidate_all()
        self.assertEqual((line.price_subtotal, line.qty, order.currency_rate), (50.0, 1, 1.0))
        self.assertEqual(order.lines, line)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.cashier.partner_id), 5, "50.00 paid: 5 points, no more")
        # Once earned, the engine's marks cannot be reset to earn again.
        self.assertRefused(
            self.cashier,
            [
                ("pos.order", "write", [order.ids, {"loyalty_seq": 7}]),
                ("pos.order", "write", [order.ids, {"loyalty_points": 0, "loyalty_counted_amount": 0.0}]),
            ],
        )
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.cashier.partner_id), 5)
        # A purchase on the cashier's own contact earns, recorded as a staff purchase.
        entry = self.env["clinic.loyalty.entry"].search(
            [("res_model", "=", "pos.order"), ("res_id", "=", order.id)]
        )
        self.assertTrue(entry.staff_purchase)

    @mute_logger("odoo.http")
    def test_refund_lines_cannot_be_undone(self):
        order = self.sale(self.client, qty=2)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.client), 110)
        refund_payload = self.payload(
            str(uuid4()), self.client, [(self.cash_method, -50.0, None)], qty=-1, refunded_line=order.lines
        )
        self.call_kw(self.cashier, "pos.order", "sync_from_ui", [[refund_payload]])
        refund = self.Order.search([("uuid", "=", refund_payload["uuid"])])
        # The refunded order cannot be marked as already evaluated.
        order.invalidate_recordset()
        self.assertFalse(order.loyalty_synced)
        self.assertRefused(self.cashier, [("pos.order", "write", [order.ids, {"loyalty_synced": True}])])
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.client), 105)
        draft = self.payload(str(uuid4()), False, [], qty=1)
        draft["state"] = "draft"
        self.call_kw(self.cashier, "pos.order", "sync_from_ui", [[draft]])
        draft = self.Order.search([("uuid", "=", draft["uuid"])])
        self.assertRefused(
            self.cashier,
            [
                ("pos.order.line", "unlink", [refund.lines.ids]),
                ("pos.order.line", "write", [refund.lines.ids, {"refunded_orderline_id": False}]),
                ("pos.order.line", "write", [refund.lines.ids, {"order_id": draft.id}]),
                ("pos.order.line", "write", [refund.lines.ids, {"qty": 0, "price_subtotal": 0.0}]),
                ("pos.order", "write", [refund.ids, {"lines": [Command.delete(refund.lines.id)]}]),
                ("pos.order", "write", [draft.ids, {"lines": [Command.link(refund.lines.id)]}]),
            ],
        )
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.client), 105, "the refund still takes back")

    @mute_logger("odoo.http")
    def test_sync_payload_whose_lines_do_not_add_up_is_refused(self):
        forged = [
            # the line says 100,000.00, the total and the payment 50.00
            {"price_subtotal": 100000.0, "price_subtotal_incl": 100000.0},
            # a consistent line of 100,000.00 in an order of 50.00
            {"price_unit": 100000.0, "price_subtotal": 100000.0, "price_subtotal_incl": 100000.0},
        ]
        for line_values in forged:
            payload = self.payload(str(uuid4()), self.cashier.partner_id, [(self.cash_method, 50.0, None)])
            payload["lines"][0][2].update(line_values)
            with self.assertRaises(JsonRpcException, msg=str(line_values)):
                self.call_kw(self.cashier, "pos.order", "sync_from_ui", [[payload]])
            self.assertFalse(self.Order.search([("uuid", "=", payload["uuid"])]), "nothing recorded")
        # A draft that does not add up cannot be marked paid either.
        payload = self.payload(str(uuid4()), self.cashier.partner_id, [(self.cash_method, 50.0, None)])
        payload["lines"][0][2].update(forged[0])
        payload["state"] = "draft"
        self.call_kw(self.cashier, "pos.order", "sync_from_ui", [[payload]])
        draft = self.Order.search([("uuid", "=", payload["uuid"])])
        self.assertRefused(self.cashier, [("pos.order", "action_pos_order_paid", [draft.ids])])
        draft.invalidate_recordset()
        self.assertEqual(draft.state, "draft")
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.cashier.partner_id), 0)

    def test_engine_never_counts_more_than_was_paid(self):
        """An order rewritten before these guards existed (its line says
        500,000.00 for 50.00 paid) earns on the 50.00 paid."""
        order = self.sale(self.cashier.partner_id)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pos_order_line SET price_subtotal = 500000, price_subtotal_incl = 500000 WHERE id = %s",
            [order.lines.id],
        )
        self.env.invalidate_all()
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.cashier.partner_id), 5)

    @mute_logger("odoo.http")
    def test_client_set_after_payment_earns_once_confirmed(self):
        order = self.sale(False)
        invoiced = self.sale(False)
        # Odoo lets the counter set a client on a paid order (to invoice it).
        self.call_kw(
            self.cashier, "pos.order", "write", [order.ids, {"partner_id": self.cashier.partner_id.id}]
        )
        self.call_kw(
            self.cashier, "pos.order", "write", [invoiced.ids, {"partner_id": self.cashier.partner_id.id}]
        )
        self.call_kw(self.cashier, "pos.order", "action_pos_order_invoice", [invoiced.ids])
        self.env.invalidate_all()
        self.assertTrue(invoiced.account_move)
        for late in order | invoiced:
            self.assertEqual(late.partner_id, self.cashier.partner_id)
            self.assertEqual(late.loyalty_partner_late_user_id, self.cashier)
            self.assertTrue(late.loyalty_partner_late_date)
            self.assertFalse(late.loyalty_partner_confirmed_user_id)
        self.assertRefused(
            self.cashier,
            [
                ("pos.order", "write", [order.ids, {"loyalty_partner_confirmed_user_id": self.cashier.id}]),
                ("pos.order", "write", [order.ids, {"loyalty_partner_late_user_id": False}]),
                ("pos.order", "action_loyalty_confirm_late_partner", [order.ids]),
                # once set, the client of a paid order stays
                ("pos.order", "write", [order.ids, {"partner_id": self.client.id}]),
                ("pos.order", "write", [order.ids, {"partner_id": False}]),
            ],
        )
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.cashier.partner_id), 0, "nothing until confirmed")
        # A Loyalty Manager who sets a client cannot confirm it themselves.
        own = self.sale(False)
        self.call_kw(self.manager, "pos.order", "write", [own.ids, {"partner_id": self.client.id}])
        self.assertRefused(self.manager, [("pos.order", "action_loyalty_confirm_late_partner", [own.ids])])
        # Another one confirms: the order and the invoice earn.
        self.call_kw(
            self.manager, "pos.order", "action_loyalty_confirm_late_partner", [(order | invoiced).ids]
        )
        self.env.invalidate_all()
        self.assertEqual(order.loyalty_partner_confirmed_user_id, self.manager)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(self.cashier.partner_id), 10)
        self.assertEqual((order.loyalty_points, invoiced.account_move.loyalty_points), (5, 5))
        self.assertEqual(self.balance_of(self.client), 100, "the unconfirmed one still earns nothing")

    @mute_logger("odoo.http")
    def test_walk_in_client_cannot_be_taken_over(self):
        walk_in = self.call_kw(self.cashier, "res.partner", "create", [{"name": "Walk-in Wendy"}])
        walk_in = self.env["res.partner"].browse(walk_in)
        self.sale(walk_in, qty=2)
        company = self.call_kw(
            self.cashier, "res.partner", "create", [{"name": "Cashier & Co", "is_company": True}]
        )
        wizard = self.call_kw(
            self.cashier,
            "base.partner.merge.automatic.wizard",
            "create",
            [
                {
                    "partner_ids": [Command.set([walk_in.id, self.cashier.partner_id.id])],
                    "dst_partner_id": self.cashier.partner_id.id,
                }
            ],
        )
        self.assertRefused(
            self.cashier,
            [
                ("res.partner", "write", [walk_in.ids, {"parent_id": company}]),
                ("res.partner", "write", [walk_in.ids, {"parent_id": self.cashier.partner_id.id}]),
                ("base.partner.merge.automatic.wizard", "action_merge", [[wizard]]),
            ],
        )
        self.env.invalidate_all()
        self.assertFalse(walk_in.parent_id)
        self.assertTrue(walk_in.exists().active)
        self.Accrual._run_accrual()
        self.assertEqual(self.balance_of(walk_in), 10)
        self.assertEqual(self.balance_of(self.cashier.partner_id), 0)
