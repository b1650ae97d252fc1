"""Fast, committed fixtures for the system tests (SQL copies of one real invoice)."""

import uuid

from odoo import Command, fields


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
    company.write({"loyalty_earning_mode": mode, "loyalty_status": status})
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


def make_portal_clients(env, company, count, prefix, password="portal-pass-1"):
    """``count`` portal users (one password hash for all: hashing is slow by design)."""
    portal = env.ref("base.group_portal")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"{prefix} {n}",
                    "login": f"{prefix.lower().replace(' ', '-')}-{n}",
                    "email": f"{prefix.lower().replace(' ', '.')}.{n}@example.com",
                    "groups_id": [Command.set(portal.ids)],
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
