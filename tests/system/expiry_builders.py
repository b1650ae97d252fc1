"""Committed fixtures for the points expiry (system test and benchmark):
many clients of one clinic, each with three lots, two of them expired."""

from datetime import datetime, timedelta

# Per client: 10 and 20 points earned over a year before the rule's 12
# months, 30 points earned today; 5 points spent since (drawn from the
# first lot). The nightly expiry then takes 5 + 20 = 25 and leaves 30.
LOTS = ((10, 800), (20, 500), (30, 0))
SPENT = 5
EXPIRES = 25
LEFT = 30


def make_accounts(env, company, count, prefix, chunk=2000):
    """``count`` clients of ``company`` (SQL) with their three lots and one
    redemption, posted through the one posting method, in chunks. Returns
    the account ids."""
    cr = env.cr
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, active, type, autopost_bills,
                                    create_date, write_date)
           SELECT %(prefix)s || g, %(prefix)s || g, TRUE, 'contact', 'ask', now(), now()
             FROM generate_series(1, %(count)s) g
        RETURNING id""",
        {"prefix": prefix, "count": count},
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    Account = env["clinic.loyalty.account"].sudo()
    account_ids = []
    now = datetime.now().replace(microsecond=0)
    for start in range(0, count, chunk):
        pairs = [(p, company.id) for p in partner_ids[start : start + chunk]]
        ids = list(Account._get_or_create(pairs).values())
        account_ids += ids
        entries = [
            {
                "account_id": a,
                "points": points,
                "kind": "adjustment",
                "key": f"expiry-fixture:{a}:{n}",
                "date": now - timedelta(days=days),
            }
            for a in ids
            for n, (points, days) in enumerate(LOTS)
        ]
        entries += [
            {"account_id": a, "points": -SPENT, "kind": "adjustment", "key": f"expiry-fixture:{a}:spent"}
            for a in ids
        ]
        Account._post_entries(entries)
        cr.commit()
    return sorted(account_ids)


def expiry_figures(env, company_id):
    """(expiry entries, accounts with one, their points, live expired lots)."""
    env.cr.execute(
        """SELECT count(*), count(DISTINCT account_id), COALESCE(-sum(points), 0)
             FROM clinic_loyalty_entry WHERE company_id = %s AND kind = 'expiry'""",
        [company_id],
    )
    entries, accounts, points = env.cr.fetchone()
    env.cr.execute(
        """SELECT count(*) FROM clinic_loyalty_lot
            WHERE company_id = %s AND remaining > 0 AND expiry_date <= current_date""",
        [company_id],
    )
    return entries, accounts, points, env.cr.fetchone()[0]


def lots_expired_once(env, company_id):
    """Lots drawn by more expiry points than they held (must be none)."""
    env.cr.execute(
        """SELECT l.id FROM clinic_loyalty_lot l
             JOIN clinic_loyalty_allocation a ON a.lot_id = l.id
             JOIN clinic_loyalty_entry e ON e.id = a.entry_id AND e.kind = 'expiry'
            WHERE l.company_id = %s
            GROUP BY l.id, l.points HAVING sum(a.points) > l.points OR count(DISTINCT e.id) > 1""",
        [company_id],
    )
    return [row[0] for row in env.cr.fetchall()]
