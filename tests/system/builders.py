"""Fast, committed fixtures for the system tests (SQL copies of one real invoice)."""

import uuid

from odoo import Command, fields

from odoo.addons.clinic_loyalty_pos.tests.common import pos_order_payload as common_pos_order_payload


def make_clinic(env, *, mode="per_transaction", status="on"):
    """A clinic (company) with its chart of accounts, an eligible service and a reward."""
    tag = uuid.uuid4().hex[:8]
    company = env["res.company"].create({"name": f"Clinic {tag}"})
    env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    env = env(context={**env.context, "allowed_company_ids": company.ids})
    service = env["product.product"].create(
        {
            "name": f"Consultation {tag}",
            "default_code": f"C-{tag}",
            "list_price": 100.0,
            "loyalty_eligible": True,
            "taxes_id": [Command.clear()],
            "company_id": company.id,
        }
    )
    reward = env["clinic.loyalty.reward"].create(
        {
            "name": f"Free nail trim {tag}",
            "points_cost": 5,
            "value": 5.0,
            "company_id": company.id,
        }
    )
    # Started at the new year: documents dated since then earn (fixtures date some in March).
    company.write(
        {"loyalty_earning_mode": mode, "loyalty_status": status, "loyalty_start_date": "2026-01-01"}
    )
    return company, service, reward


def paid_invoice(env, company, partner, product, amount):
    env = env(context={**env.context, "allowed_company_ids": company.ids})
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": amount,
                            "quantity": 1,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
    )
    move.action_post()
    env["account.payment.register"].with_company(company).with_context(
        active_model="account.move", active_ids=move.ids
    ).create({})._create_payments()
    return move


def clone_invoices(env, template_move, partner_ids):
    """One paid, not yet accrued copy of ``template_move`` per partner id (SQL)."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        CREATE TEMP TABLE clone_map ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS new_id, p AS partner_id, row_number() OVER () AS n
          FROM unnest(%s::int[]) AS p
    """,
        [list(partner_ids)],
    )
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'account_move' AND column_name NOT IN
               ('id', 'partner_id', 'commercial_partner_id', 'name', 'loyalty_synced',
                'loyalty_counted_amount', 'loyalty_points', 'loyalty_seq', 'payment_reference',
                'inalterable_hash', 'secure_sequence_number', 'sequence_number')
    """)
    cols = [c for (c,) in cr.fetchall()]
    col_list = ", ".join(f'"{c}"' for c in cols)
    src_list = ", ".join(f'm."{c}"' for c in cols)
    cr.execute(
        f"""
        INSERT INTO account_move (id, partner_id, commercial_partner_id, name, loyalty_synced,
                                  loyalty_counted_amount, loyalty_points, loyalty_seq,
                                  sequence_number, {col_list})
        SELECT c.new_id, c.partner_id, c.partner_id, m.name || '/C' || c.n, FALSE, 0, 0, 0,
               m.sequence_number + c.n, {src_list}
          FROM clone_map c, account_move m WHERE m.id = %s
    """,
        [template_move.id],
    )
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'account_move_line' AND column_name NOT IN ('id', 'move_id', 'partner_id',
               'reconciled', 'full_reconcile_id', 'matching_number')
    """)
    cols = [c for (c,) in cr.fetchall()]
    col_list = ", ".join(f'"{c}"' for c in cols)
    src_list = ", ".join(f'l."{c}"' for c in cols)
    cr.execute(
        f"""
        INSERT INTO account_move_line (move_id, partner_id, {col_list})
        SELECT c.new_id, c.partner_id, {src_list}
          FROM clone_map c, account_move_line l WHERE l.move_id = %s
    """,
        [template_move.id],
    )
    cr.execute("SELECT array_agg(new_id ORDER BY new_id) FROM clone_map")
    ids = cr.fetchone()[0]
    env.invalidate_all()
    return ids


def make_partners(env, count, prefix):
    partners = env["res.partner"].create([{"name": f"{prefix}{n}"} for n in range(count)])
    return partners.ids


def make_users(env, company, count, prefix, group_xmlids, password):
    """``count`` users of ``company`` in the groups ``group_xmlids``, with
    one password hash for all (hashing is slow by design)."""
    group_ids = [env.ref(xmlid).id for xmlid in group_xmlids]
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"{prefix} {n}",
                    "login": f"{prefix.lower().replace(' ', '-')}-{n}",
                    "email": f"{prefix.lower().replace(' ', '.')}.{n}@example.com",
                    "groups_id": [Command.set(group_ids)],
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                }
                for n in range(count)
            ]
        )
    )
    hashed = users[:1]._crypt_context().hash(password)
    env.cr.execute("UPDATE res_users SET password = %s WHERE id = ANY(%s)", [hashed, users.ids])
    users.invalidate_recordset(["password"])
    return users, password


def make_portal_clients(env, company, count, prefix, password="portal-pass-1"):
    """``count`` portal users."""
    return make_users(env, company, count, prefix, ["base.group_portal"], password)


def give_points(env, company, partners, points):
    """Accounts with ``points`` each, through an adjustment entry (the ledger's only door)."""
    account_of = env["clinic.loyalty.account"]._get_or_create((p.id, company.id) for p in partners)
    env["clinic.loyalty.account"]._post_entries(
        [
            {
                "account_id": a,
                "points": points,
                "kind": "adjustment",
                "key": f"seed:{a}:{uuid.uuid4().hex}",
                "reason": "test seed",
            }
            for a in account_of.values()
        ]
    )
    return env["clinic.loyalty.account"].browse([account_of[(p.id, company.id)] for p in partners])


def make_staff(env, company, count, prefix, groups, password="staff-pass-1"):
    """``count`` internal users of ``company`` in ``groups`` (xml ids)."""
    return make_users(env, company, count, prefix, ["base.group_user", *groups], password)


def make_pos_shop(env, company, cashiers, prefix):
    """A point of sale for ``company`` (one created by :func:`make_clinic`,
    chart loaded) with Cash and the clinic's "Loyalty points" method (the OTP
    addon's payment terminal, created with the chart), a 50.00 untaxed service sold at the counter, the
    programme requiring SMS codes, and an open session. ``cashiers``
    (``make_staff`` users with ``point_of_sale.group_pos_user``) may sell."""
    env = env(context={**env.context, "allowed_company_ids": company.ids})
    company = company.with_env(env)
    company.loyalty_otp_required = True
    product = env["product.product"].create(
        {
            "name": f"Grooming {prefix}",
            "list_price": 50.0,
            "type": "service",
            "available_in_pos": True,
            "taxes_id": [Command.clear()],
            "company_id": company.id,
        }
    )
    # A new company gets its warehouse from the onboarding (or, in Odoo's own
    # tests, from res.company.create): the shop needs one.
    if not env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1):
        env["stock.warehouse"].create({"name": f"Clinic {prefix}", "code": "CLW", "company_id": company.id})
    # pos.config's defaults create the clinic's Cash journal and method.
    config = env["pos.config"].create({"name": f"Front desk {prefix}", "company_id": company.id})
    cash = config.payment_method_ids.filtered("is_cash_count")[:1]
    # The clinic's "Loyalty points" method, created with its chart on the
    # liability journal; a shop created later adds it.
    loyalty = company._loyalty_pos_method()
    assert loyalty, "the chart created the Loyalty points method"
    config.write({"payment_method_ids": [Command.link(loyalty.id)]})
    config.with_user(cashiers[0]).open_ui()
    session = config.current_session_id
    session.with_user(cashiers[0]).set_opening_control(0, "")
    assert session.state == "opened", "the POS session is open"
    return {
        "config": config.id,
        "session": session.id,
        "product": product.id,
        "cash": cash.id,
        "loyalty": loyalty.id,
        "cashiers": cashiers.ids,
    }


def pos_order_payload(shop, uid, partner_id, cashier_id, payments, total=50.0):
    """What a POS terminal sends to ``pos.order.sync_from_ui`` for one paid
    order of the shop's 50.00 service (``payments``: [(method id, amount,
    transaction id or None)]): the addons' own builder, on this shop."""
    return common_pos_order_payload(
        uid=uid,
        session_id=shop["session"],
        user_id=cashier_id,
        partner_id=partner_id,
        product_id=shop["product"],
        payments=payments,
        price_unit=total,
    )


def make_mobile_clients(env, company, count, prefix, points):
    """``count`` clients, each with a distinct valid mobile (E.164 +32 470
    ...) and an account holding ``points``. Returns (partners, accounts)."""
    base = uuid.uuid4().int % 900000
    partners = env["res.partner"].create(
        [{"name": f"{prefix} {n}", "mobile": f"+32470{(base + n) % 1000000:06d}"} for n in range(count)]
    )
    accounts = give_points(env, company, partners, points)
    return partners, accounts


def make_otp_shop(env, *, cashiers, clients, points, prefix="POS"):
    """One clinic selling at the counter with SMS codes required:
    ``make_clinic`` + ``cashiers`` POS/front-desk users (one password) + the
    shop of :func:`make_pos_shop` + ``clients`` with a mobile and ``points``.
    Returns plain data (ids, logins, E.164 numbers) for the test threads."""
    company, _service, reward = make_clinic(env)
    users, password = make_staff(
        env,
        company,
        cashiers,
        f"{prefix} cashier {company.id}",
        ["point_of_sale.group_pos_user", "clinic_loyalty.group_loyalty_user"],
    )
    shop = make_pos_shop(env, company, users, f"{prefix}{company.id}")
    partners, accounts = make_mobile_clients(env, company, clients, f"{prefix} client {company.id}", points)
    return {
        **shop,
        "company": company.id,
        "reward": reward.id,
        "reward_points": reward.points_cost,
        "reward_value": reward.value,
        "logins": users.mapped("login"),
        "password": password,
        "partners": partners.ids,
        "mobiles": partners.mapped("mobile"),
        "accounts": accounts.ids,
    }


def paid_pos_order(env, company, shop, partner, cashier, amount=50.0):
    """One order of the shop's service paid in cash at the counter, the
    service earning points at ``company`` (recorded through ``sync_from_ui``)."""
    env = env(context={**env.context, "allowed_company_ids": company.ids})
    env["product.product"].browse(shop["product"]).loyalty_eligible = True
    payload = pos_order_payload(
        shop, str(uuid.uuid4()), partner.id, cashier.id, [(shop["cash"], amount, None)]
    )
    env["pos.order"].with_user(cashier).sync_from_ui([payload])
    order = env["pos.order"].search([("uuid", "=", payload["uuid"])])
    assert order.state == "paid", order.state
    return order


def clone_pos_orders(env, template_order, partner_ids):
    """One paid, not yet accrued copy of ``template_order`` (with its lines and payments)
    per partner id (SQL); returns the new ids."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        CREATE TEMP TABLE pos_clone_map ON COMMIT DROP AS
        SELECT nextval('pos_order_id_seq') AS new_id, p AS partner_id, row_number() OVER () AS n
          FROM unnest(%s::int[]) AS p
    """,
        [list(partner_ids)],
    )
    overrides = {
        "partner_id": "c.partner_id",
        "name": "o.name || '/C' || c.n",
        "pos_reference": "o.pos_reference || '/C' || c.n",
        "uuid": "gen_random_uuid()::varchar",
        "sequence_number": "o.sequence_number + c.n",
        "loyalty_synced": "FALSE",
        "loyalty_counted_amount": "0",
        "loyalty_points": "0",
        "loyalty_seq": "0",
    }
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'pos_order' AND column_name <> 'id'"
    )
    cols = [c for (c,) in cr.fetchall()]
    cr.execute(
        f"""INSERT INTO pos_order (id, {", ".join(f'"{c}"' for c in cols)})
            SELECT c.new_id, {", ".join(overrides.get(c, f'o."{c}"') for c in cols)}
              FROM pos_clone_map c, pos_order o WHERE o.id = %s""",
        [template_order.id],
    )
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'pos_order_line' AND column_name NOT IN ('id', 'order_id', 'uuid')"
    )
    cols = [c for (c,) in cr.fetchall()]
    cr.execute(
        f"""INSERT INTO pos_order_line (order_id, uuid, {", ".join(f'"{c}"' for c in cols)})
            SELECT c.new_id, gen_random_uuid()::varchar, {", ".join(f'l."{c}"' for c in cols)}
              FROM pos_clone_map c, pos_order_line l WHERE l.order_id = %s""",
        [template_order.id],
    )
    # A paid order earns on what was paid for it: its payments come along.
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'pos_payment' AND column_name NOT IN ('id', 'pos_order_id', 'uuid')"
    )
    cols = [c for (c,) in cr.fetchall()]
    cr.execute(
        f"""INSERT INTO pos_payment (pos_order_id, uuid, {", ".join(f'"{c}"' for c in cols)})
            SELECT c.new_id, gen_random_uuid()::varchar, {", ".join(f'p."{c}"' for c in cols)}
              FROM pos_clone_map c, pos_payment p WHERE p.pos_order_id = %s""",
        [template_order.id],
    )
    cr.execute("SELECT array_agg(new_id ORDER BY new_id) FROM pos_clone_map")
    ids = cr.fetchone()[0]
    env.invalidate_all()
    return ids
