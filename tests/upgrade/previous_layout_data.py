"""Gives a demo database built with the previous layout (three addons, the
point of sale inside ``clinic_loyalty_otp``) what an upgrade must keep: the
nightly accrual and daily entry, an order paid with points at the counter
(code drawn, delivered and read back), an invoice paid with points, and the
ledger's lots. Runs with the previous commit's addons on the path.

    python previous_layout_data.py DB CONF [build|nightly]
"""

import sys
from unittest.mock import patch

import odoo
from odoo import Command
from odoo.tools import config

CODE = "493817"


def pos_points_order(env, company, partner):
    """A Front desk order of 50.00 paid 12.00 with points, as the POS sends it."""
    from odoo.addons.clinic_loyalty.tests.common import pos_order_payload  # noqa: PLC0415

    shop = env["pos.config"].search([("name", "=", "Front desk"), ("company_id", "=", company.id)], limit=1)
    session = shop.current_session_id
    method = company._loyalty_pos_method()
    cash = (shop.payment_method_ids - method)[:1]
    Challenge = env["clinic.loyalty.otp.challenge"]
    account = env["clinic.loyalty.account"]._account_for(partner, company)
    reward = env["clinic.loyalty.reward"].search(
        [("company_id", "=", company.id), ("points_cost", "<=", account.balance)],
        order="points_cost",
        limit=1,
    )
    uid = "upgrade-check-0001"
    with patch.object(type(Challenge), "_generate_code", return_value=CODE):
        challenge = Challenge._issue(account, reward, min(reward.value, 50.0), pos_order_uid=uid)
    env.cr.postcommit.clear()  # no SMS provider here: the code is delivered by hand
    challenge.state = "sent"
    assert challenge._verify(CODE) == "verified" or challenge.state == "verified", challenge.state
    product = env["product.product"].search(
        [("available_in_pos", "=", True), ("company_id", "in", (company.id, False))], limit=1
    )
    value = challenge.value
    payload = pos_order_payload(
        uid=uid,
        session_id=session.id,
        user_id=env.uid,
        partner_id=partner.id,
        product_id=product.id,
        payments=[(method.id, value, f"OTP-{challenge.id}"), (cash.id, 50.0 - value, None)],
        pricelist_id=shop.pricelist_id.id,
        line_values={"price_unit": 50.0, "full_product_name": product.name},
    )
    env["pos.order"].sync_from_ui([payload])
    order = env["pos.order"].search([("uuid", "=", uid)])
    assert order.state == "paid", order.state
    return order


def invoice_points_payment(env, company, partner):
    """A new 30.00 visit invoice of ``partner``, paid 2.00 with points."""
    company.write({"loyalty_otp_required": False, "loyalty_point_value": company.loyalty_point_value or 0.1})
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_line_ids": [
                Command.create({"name": "Check-up", "quantity": 1, "price_unit": 30.0, "tax_ids": []})
            ],
        }
    )
    invoice.action_post()
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create({"journal_id": company.loyalty_payment_journal_id.id, "amount": 2.0})
    )
    wizard.action_create_payments()
    return invoice


def main(db, conf, what="build"):
    config.parse_config(["-c", conf, "--logfile", ""])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if what == "nightly":  # the nightly jobs alone (after the upgrade)
            env["clinic.loyalty.accrual"]._run_accrual()
            env["clinic.loyalty.daily.move"]._run_daily_moves()
            return
        company = env.ref("base.main_company")
        env["clinic.loyalty.accrual"]._run_accrual()
        rich = env["clinic.loyalty.account"].search(
            [("company_id", "=", company.id), ("balance", ">", 0)], order="balance desc", limit=1
        )
        # the demo's clients give no mobile: the number codes go to, as a manager sets it
        rich.write({"otp_phone": rich.otp_phone or "+32470000001"})
        pos_points_order(env, company, rich.partner_id)
        invoice_points_payment(env, company, rich.partner_id)
        env["clinic.loyalty.accrual"]._run_accrual()
        env["clinic.loyalty.daily.move"]._run_daily_moves()


if __name__ == "__main__":
    main(*sys.argv[1:4])
