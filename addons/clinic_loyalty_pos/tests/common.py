"""The builders of the point of sale tests: what a POS terminal sends for one
paid order (:func:`pos_order_payload`), and a shop with the clinic's "Loyalty
points" method (:class:`OtpPosCommon`)."""

from datetime import timedelta
from uuid import uuid4

from odoo import Command, fields

from odoo.addons.clinic_loyalty_otp.tests.common import OtpCommonMixin
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon
from odoo.addons.sms.tests.common import SMSCase


def pos_order_payload(
    *, uid, session_id, user_id, partner_id, product_id, payments, qty=1, price_unit=50.0, **values
):
    """What a POS terminal sends to ``pos.order.sync_from_ui`` for one paid
    order of ``qty`` untaxed ``product_id`` at ``price_unit`` (``payments``:
    [(payment method id, amount, transaction id or None)]). ``values`` adds
    to the order (``pricelist_id``) or, for ``line_values``, to its line."""
    now = fields.Datetime.to_string(fields.Datetime.now())
    total = price_unit * qty
    line = {
        "product_id": product_id,
        "qty": qty,
        "price_unit": price_unit,
        "discount": 0,
        "price_subtotal": total,
        "price_subtotal_incl": total,
        "tax_ids": [(6, 0, [])],
        "pack_lot_ids": [],
        "uuid": str(uuid4()),
        "full_product_name": "Grooming",
        **values.pop("line_values", {}),
    }
    return {
        "uuid": uid,
        "name": f"Order {uid}",
        "session_id": session_id,
        "partner_id": partner_id,
        "user_id": user_id,
        "pricelist_id": False,
        "fiscal_position_id": False,
        "sequence_number": 1,
        "date_order": now,
        "amount_paid": sum(amount for _method, amount, _tx in payments),
        "amount_return": 0,
        "amount_tax": 0,
        "amount_total": total,
        "state": "paid",
        "to_invoice": False,
        "last_order_preparation_change": "{}",
        "lines": [Command.create(line)],
        "payment_ids": [
            Command.create(
                {"amount": amount, "payment_method_id": method, "name": now, "transaction_id": tx or False}
            )
            for method, amount, tx in payments
        ],
        **values,
    }


class OtpPosCommon(OtpCommonMixin, TestPointOfSaleHttpCommon, SMSCase):
    """A shop with the clinic's "Loyalty points" payment method next to Cash, a 50.00
    "Grooming" product and the clinic of :class:`OtpCommonMixin`."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_otp_clinic(company=cls.company_data["company"])
        cls.env.user.groups_id += cls.env.ref("clinic_loyalty.group_loyalty_manager")
        cls.env["clinic.loyalty.reward"].create(
            {
                "name": "Grand spa day",
                "points_cost": 500,
                "value": 90.0,
                "company_id": cls.company.id,
            }
        )
        cls.grooming = cls.env["product.product"].create(
            {
                "name": "Grooming",
                "list_price": 50.0,
                "taxes_id": [(5, 0, 0)],
                "available_in_pos": True,
                "type": "service",
            }
        )
        # created with the company's chart (``res_company_pos_points.py``)
        cls.loyalty_method = cls.company._loyalty_pos_method()
        cls.main_pos_config.write({"payment_method_ids": [(4, cls.loyalty_method.id)]})
        cls.cash_method = cls.main_pos_config.payment_method_ids.filtered("is_cash_count")[:1]

    @classmethod
    def _setup_earning_shop(cls):
        """Grooming earns at this clinic, whose programme started a week ago
        (the POS user's timezone may still be yesterday for the order date;
        the start date rule is tested in clinic_loyalty), and the shop is
        open."""
        cls.grooming.product_tmpl_id.with_company(cls.company).loyalty_eligible = True
        cls.company.loyalty_start_date = fields.Date.today() - timedelta(days=7)
        cls.main_pos_config.with_user(cls.pos_user).open_ui()
        cls.Accrual = cls.env["clinic.loyalty.accrual"]

    # ------------------------------------------------------------------
    def open_session(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        return self.main_pos_config.current_session_id

    def pos_code(self, uid, partner=None, reward=None, amount_due=50.0, code="493817"):
        """Code requested from the POS (as the POS user) and verified."""
        data = self.send_code(
            user=self.pos_user,
            partner=partner,
            reward=reward,
            code=code,
            amount_due=amount_due,
            pos_order_uid=uid,
            pos_config_id=self.main_pos_config.id,
        )
        result = self.verify(data["id"], code=code, user=self.pos_user)
        self.assertEqual(result["state"], "verified")
        return data["id"]

    def payload(self, uid, partner, payments, qty=1, refunded_line=None):
        """:func:`pos_order_payload` of ``qty`` Grooming in the open session
        (``payments``: [(payment method, amount, transaction id or None)])."""
        return pos_order_payload(
            uid=uid,
            session_id=self.main_pos_config.current_session_id.id,
            user_id=self.pos_user.id,
            partner_id=partner.id if partner else False,
            product_id=self.grooming.id,
            payments=[(method.id, amount, transaction) for method, amount, transaction in payments],
            qty=qty,
            pricelist_id=self.main_pos_config.pricelist_id.id,
            line_values={"refunded_orderline_id": refunded_line.id} if refunded_line else {},
        )

    def sync(self, payload):
        self.env["pos.order"].with_user(self.pos_user).sync_from_ui([payload])
        return self.env["pos.order"].search([("uuid", "=", payload["uuid"])])
