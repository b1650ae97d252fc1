"""The findings of the staff review (``clinic.loyalty.signal``): one dict per
finding built from a row of its query, what each says, and their set-based
insert. Texts take the environment whose language they are written in."""

from psycopg2.extras import execute_values

SIGNAL_KINDS = [
    ("staff_earning", "Points earned on a staff contact"),
    ("adjust_peers", "Manual points far above peers"),
    ("adjust_same_client", "Manual points to the same client"),
    ("adjust_after_refund", "Points given back by hand after a refund"),
    ("unpaid", "Points with no payment behind them"),
    ("redeem_absent", "Redemption with the client not at the clinic"),
]

SIGNAL_STATES = [("new", "New"), ("dismissed", "Dismissed"), ("confirmed", "Confirmed")]

# Signals of (company, kind, key, name, user, partner, points, value, date,
# res_model, res_ids, uid, uid) rows, a key once per clinic (execute_values).
INSERT_SIGNALS = """
            INSERT INTO clinic_loyalty_signal
                (company_id, kind, key, name, user_id, partner_id, points, value, date, res_model, res_ids,
                 create_uid, write_uid, state, digest_sent, create_date, write_date)
            SELECT v.*, 'new', FALSE, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v
            ON CONFLICT (company_id, key) DO NOTHING
            RETURNING id, key
            """
SIGNAL_TEMPLATE = "(%s, %s, %s, %s, %s::int, %s::int, %s, %s::numeric, %s::date, %s, %s::jsonb, %s, %s)"


def documents(res_models, res_ids):
    """The documents of a finding, when they are of one model."""
    models_ = [m for m in res_models or [] if m]
    if len(models_) != 1:
        return {}
    return {"res_model": models_[0], "res_ids": [i for i in res_ids or [] if i]}


def finding(kind, key, row, name, **values):
    """One finding of ``kind`` from a row of its query: the staff member,
    client, points, entries, date and, when the row has ``models`` and
    ``res_ids`` columns, its documents; its key is ``kind:key``; ``values``
    add to it or override it."""
    result = {
        "kind": kind,
        "key": f"{kind}:{key}",
        "user_id": row.get("user_id"),
        "partner_id": row.get("partner_id"),
        "points": row.get("points"),
        "entry_ids": row.get("entry_ids"),
        "date": row.get("date"),
        "name": name,
    }
    if "models" in row:
        result.update(documents(row["models"], row["res_ids"]))
    result.update(values)
    return result


def insert(cr, company, findings, now, uid, res_ids_column):
    """Insert ``findings`` of ``company`` and link their entries; a key
    already recorded is skipped. ``res_ids_column(ids)``: the column value
    of the documents. Returns [(signal id, key)] inserted."""
    point_value = company.loyalty_point_value or 0.0
    rows = [
        (
            company.id,
            f["kind"],
            f["key"],
            f["name"],
            f.get("user_id") or None,
            f.get("partner_id") or None,
            int(max(min(f.get("points") or 0, 2**31 - 1), -(2**31))),
            abs(f.get("points") or 0) * point_value,
            f.get("date") or now.date(),
            f.get("res_model"),
            res_ids_column(sorted(set(f.get("res_ids") or [])) or None),
            uid,
            uid,
        )
        for f in findings
    ]
    inserted = execute_values(
        cr._obj, INSERT_SIGNALS, rows, template=SIGNAL_TEMPLATE, page_size=1000, fetch=True
    )
    by_key = {f["key"]: f for f in findings}
    links = [(sid, eid) for sid, key in inserted for eid in set(by_key[key].get("entry_ids") or [])]
    if links:
        execute_values(
            cr._obj,
            """INSERT INTO clinic_loyalty_signal_entry_rel (signal_id, entry_id) VALUES %s
               ON CONFLICT DO NOTHING""",
            links,
            page_size=5000,
        )
    return inserted


def staff_earning(env, r):
    if r["own"]:
        return env._("%(points)s points earned in %(month)s on the staff member's own contact.", **r)
    return env._(
        "%(points)s points earned in %(month)s on a contact sharing a phone number or "
        "an email with the staff member.",
        **r,
    )


def adjust_peers(env, r):
    return env._(
        "%(points)s points added by hand in %(month)s (%(n)s adjustments); the other staff "
        "members added %(peers)s on average.",
        points=r["points"],
        month=r["month"],
        n=r["n"],
        peers=round(r["peers"]),
    )


def adjust_same_client(env, r):
    return env._("%(n)s adjustments (%(points)s points) by hand to the same client in %(month)s.", **r)


def adjust_after_refund(env, r):
    return env._("%(points)s points given back by hand after a refund took the client's points.", **r)


def unpaid(env, r):
    return env._("%(points)s points stand on %(move_name)s, which is not paid (%(payment_state)s).", **r)


def redeem_absent(env, r):
    return env._("%(points)s points spent on %(date)s with no sale and no visit of the client that day.", **r)


def review_done(env, count):
    """The notification of an on-demand review."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": "info",
            "message": env._("Staff review done: %(count)s new signal(s).", count=count),
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }


def digest_summary(env, count, clinic):
    return env._("%(count)s new staff signal(s) at %(clinic)s", count=count, clinic=clinic)


def digest_note(labels):
    """``labels``: the kind label of each signal told; one line per kind."""
    counts = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return "<br/>".join(f"{label}: {n}" for label, n in sorted(counts.items()))


def staff_earning_findings(env, rows):
    return [
        finding("staff_earning", f"{r['user_id']}:{r['partner_id']}:{r['month']}", r, staff_earning(env, r))
        for r in rows
    ]


def adjust_peers_findings(env, rows):
    return [finding("adjust_peers", f"{r['user_id']}:{r['month']}", r, adjust_peers(env, r)) for r in rows]


def adjust_same_client_findings(env, rows):
    return [
        finding(
            "adjust_same_client",
            f"{r['user_id']}:{r['partner_id']}:{r['month']}",
            r,
            adjust_same_client(env, r),
        )
        for r in rows
    ]


def adjust_after_refund_findings(env, rows):
    return [
        finding(
            "adjust_after_refund",
            r["id"],
            r,
            adjust_after_refund(env, r),
            entry_ids=[r["id"], *r["refund_ids"]],
        )
        for r in rows
    ]


def unpaid_findings(env, rows):
    return [
        finding("unpaid", r["move_id"], r, unpaid(env, r), res_model="account.move", res_ids=[r["move_id"]])
        for r in rows
    ]


def redeem_absent_findings(env, rows):
    return [
        finding(
            "redeem_absent",
            r["id"],
            r,
            redeem_absent(env, r),
            entry_ids=[r["id"]],
            **documents([r["res_model"]], [r["res_id"]]),
        )
        for r in rows
    ]
