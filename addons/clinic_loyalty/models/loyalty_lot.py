from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Live lots are drawn in this order: the ones that expire first, the ones
# that never expire last, the older first on a tie.
FIFO = SQL("l.expiry_date ASC NULLS LAST, l.id ASC")


class ClinicLoyaltyLot(models.Model):
    """Points added by one ledger entry, with the day they expire.

    Every entry that adds points creates its lots in the transaction that
    posts it (:meth:`_on_post`, called by ``_post_entries``): usually one lot
    expiring the clinic's "Points expire after N months" after the entry's
    date, under the rule in force at that moment (NULL: never). A refund of
    held points gives back lots with the expiry dates the points had. Every
    taking (redemption, reversal, negative adjustment, expiry) draws from the
    live lots first to expire; what it drew is recorded in
    ``clinic.loyalty.allocation``. The ledger itself is never edited: a lot's
    ``remaining`` is the only thing that moves, and it always equals its
    points minus its allocations. Per account, the live lots hold exactly the
    positive balance (a negative balance has no live lot).
    """

    _name = "clinic.loyalty.lot"
    _description = "Loyalty points lot"
    _order = "expiry_date, id"
    # Written in bulk beside the ledger (whose entries say who and when):
    # no per-row user and date columns, and their foreign keys, to maintain.
    _log_access = False

    entry_id = fields.Many2one(
        "clinic.loyalty.entry",
        string="Added by",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    account_id = fields.Many2one(
        "clinic.loyalty.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    # Few indexes: every draw rewrites the lot's row (see init for the partial ones).
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    points = fields.Integer(required=True, readonly=True)
    remaining = fields.Integer(required=True, readonly=True, help="Points of this lot not drawn yet.")
    expiry_date = fields.Date(string="Expires on", readonly=True, help="Empty: these points never expire.")
    notice_date = fields.Date(string="Client warned on", readonly=True)
    restored_entry_id = fields.Many2one(
        "clinic.loyalty.entry",
        string="Gives back",
        readonly=True,
        index="btree_not_null",
        help="The taking whose points this lot gives back, with the expiry date they had.",
    )
    allocation_ids = fields.One2many("clinic.loyalty.allocation", "lot_id", string="Drawn by")

    _sql_constraints = [
        ("points_positive", "check(points > 0)", "A lot holds a positive number of points."),
        (
            "remaining_range",
            "check(remaining >= 0 AND remaining <= points)",
            "A lot cannot give more points than it holds.",
        ),
    ]

    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS clinic_loyalty_lot_live_idx
                ON clinic_loyalty_lot (account_id, expiry_date) WHERE remaining > 0;
            CREATE INDEX IF NOT EXISTS clinic_loyalty_lot_expiring_idx
                ON clinic_loyalty_lot (expiry_date, account_id) WHERE remaining > 0;
        """)
        # Balances from before lots existed: one lot per account that never
        # expires (the rule applies to points added from now on).
        self.env.cr.execute("""
            INSERT INTO clinic_loyalty_lot (entry_id, account_id, company_id, points, remaining)
            SELECT (SELECT max(e.id) FROM clinic_loyalty_entry e
                     WHERE e.account_id = a.id AND e.points > 0),
                   a.id, a.company_id, a.balance, a.balance
              FROM clinic_loyalty_account a
             WHERE a.balance > 0
               AND NOT EXISTS (SELECT 1 FROM clinic_loyalty_lot l WHERE l.account_id = a.id)
               AND EXISTS (SELECT 1 FROM clinic_loyalty_entry e WHERE e.account_id = a.id AND e.points > 0)
        """)

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(_("Lots are made by the loyalty programme when it posts points."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("Lots cannot be changed: post a correcting adjustment instead."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Lots cannot be deleted: post a correcting adjustment instead."))

    # ------------------------------------------------------------------
    # Posting (called by clinic.loyalty.account._post_entries only)
    # ------------------------------------------------------------------
    @api.model
    def _on_post(self, inserted, restores, balances_before):
        """Lots and draws for entries just inserted, set-based.

        :param inserted: [(entry id, account id, points, key)] just inserted.
        :param restores: {key: [keys of the takings it gives back]} for
            positive entries that give back held points (a refund).
        :param balances_before: {account id: balance before the entries}.
        """
        adds = [row for row in inserted if row[2] > 0]
        plain = [entry_id for entry_id, _a, _p, key in adds if not restores.get(key)]
        if plain:
            self._insert_new_lots(plain)
        for entry_id, account_id, points, key in adds:
            if restores.get(key):
                self._insert_restored_lots(entry_id, account_id, points, restores[key])
        # Only a taking, or points added to a negative balance, leave more
        # in the live lots than the positive balance: settle those accounts.
        takings = {}
        for entry_id, account_id, points, _key in inserted:
            if points < 0:
                takings.setdefault(account_id, []).append((entry_id, -points))
        settle = set(takings) | {a for _e, a, p, _k in adds if balances_before.get(a, 0) < 0}
        if settle:
            self._draw(sorted(settle), takings)

    @api.model
    def _insert_new_lots(self, entry_ids, points=None):
        """One lot per entry (of its points, or of ``points``), expiring
        under its clinic's rule in force now."""
        self.env["res.company"].flush_model(["loyalty_expiry_months"])
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO clinic_loyalty_lot (entry_id, account_id, company_id, points, remaining, expiry_date)
            SELECT e.id, e.account_id, e.company_id,
                   COALESCE(v.points, e.points), COALESCE(v.points, e.points),
                   CASE WHEN c.loyalty_expiry_months > 0
                        THEN (e.date + make_interval(months => c.loyalty_expiry_months))::date END
              FROM unnest(%(ids)s::int[], %(points)s::int[]) AS v(id, points)
              JOIN clinic_loyalty_entry e ON e.id = v.id
              JOIN res_company c ON c.id = e.company_id
        """,
                ids=list(entry_ids),
                points=list(points or [None] * len(entry_ids)),
            )
        )

    @api.model
    def _insert_restored_lots(self, entry_id, account_id, points, taking_keys):
        """Give ``points`` back with the expiry dates the takings drew them
        at (the latest first; what was already given back is not given
        twice); the rest, if any, as a new lot under today's rule."""
        self.env.cr.execute(
            SQL(
                """
            WITH taking AS (
                SELECT t.id FROM clinic_loyalty_entry t, clinic_loyalty_account a
                 WHERE a.id = %(account)s AND t.company_id = a.company_id AND t.key = ANY(%(keys)s)
            ), drawn AS (
                SELECT a.entry_id, l.expiry_date, SUM(a.points) AS points
                  FROM clinic_loyalty_allocation a JOIN clinic_loyalty_lot l ON l.id = a.lot_id
                 WHERE a.entry_id IN (SELECT id FROM taking)
                 GROUP BY a.entry_id, l.expiry_date
            ), given AS (
                SELECT l.restored_entry_id AS entry_id, l.expiry_date, SUM(l.points) AS points
                  FROM clinic_loyalty_lot l
                 WHERE l.restored_entry_id IN (SELECT id FROM taking)
                 GROUP BY l.restored_entry_id, l.expiry_date
            )
            SELECT d.entry_id, d.expiry_date, d.points - COALESCE(g.points, 0)
              FROM drawn d
              LEFT JOIN given g
                     ON g.entry_id = d.entry_id AND g.expiry_date IS NOT DISTINCT FROM d.expiry_date
             WHERE d.points > COALESCE(g.points, 0)
             ORDER BY d.expiry_date DESC NULLS FIRST, d.entry_id
        """,
                account=account_id,
                keys=list(taking_keys),
            )
        )
        lots, left = [], points
        for taking_id, expiry_date, available in self.env.cr.fetchall():
            take = min(left, available)
            if take > 0:
                lots.append((taking_id, expiry_date, take))
                left -= take
        for taking_id, expiry_date, take in lots:
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO clinic_loyalty_lot
                    (entry_id, account_id, company_id, points, remaining, expiry_date,
                     restored_entry_id)
                SELECT e.id, e.account_id, e.company_id, %(points)s, %(points)s, %(expiry)s, %(taking)s
                  FROM clinic_loyalty_entry e WHERE e.id = %(entry)s
            """,
                    points=take,
                    expiry=expiry_date,
                    taking=taking_id,
                    entry=entry_id,
                )
            )
        if left > 0:
            # Points held before lots existed: a new lot, like any addition.
            self._insert_new_lots([entry_id], [left])

    @api.model
    def _draw(self, account_ids, takings):
        """Draw, oldest-to-expire first, what the live lots of the accounts
        hold beyond their positive balance (read after the entries moved it),
        and record which taking drew what: one UPDATE for every lot of every
        account, one INSERT of the allocations.

        :param takings: {account id: [(entry id, points taken)]} in posting
            order; a draw beyond them (points added to a negative balance
            settle it) is recorded against the account's latest taking.
        """
        self.env.cr.execute(
            SQL(
                """
            WITH acc AS (
                SELECT id, GREATEST(balance, 0) AS target FROM clinic_loyalty_account WHERE id = ANY(%(ids)s)
            ), live AS (
                SELECT l.id, l.account_id, l.remaining,
                       SUM(l.remaining) OVER (PARTITION BY l.account_id ORDER BY %(fifo)s) AS cum,
                       SUM(l.remaining) OVER (PARTITION BY l.account_id) AS total
                  FROM clinic_loyalty_lot l
                 WHERE l.account_id = ANY(%(ids)s) AND l.remaining > 0
            ), draw AS (
                SELECT live.id, live.account_id, live.cum,
                       LEAST(live.remaining, live.total - acc.target - (live.cum - live.remaining)) AS points
                  FROM live JOIN acc ON acc.id = live.account_id
                 WHERE live.cum - live.remaining < live.total - acc.target
            ), moved AS (
                UPDATE clinic_loyalty_lot l SET remaining = l.remaining - d.points
                  FROM draw d WHERE l.id = d.id
                RETURNING l.id
            )
            SELECT account_id, id, points FROM draw WHERE id IN (SELECT id FROM moved)
             ORDER BY account_id, cum
        """,
                ids=list(account_ids),
                fifo=FIFO,
            )
        )
        draws = self.env.cr.fetchall()
        if not draws:
            return
        missing = sorted({a for a, _l, _p in draws} - set(takings))
        latest = {}
        if missing:
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT ON (account_id) account_id, id FROM clinic_loyalty_entry
                        WHERE account_id = ANY(%s) AND points < 0 ORDER BY account_id, id DESC""",
                    missing,
                )
            )
            latest = dict(self.env.cr.fetchall())
        entry_ids, lot_ids, points = [], [], []
        queue, current, last = [], None, None
        for account_id, lot_id, drawn in draws:
            if account_id != current:
                current = account_id
                queue = [list(taking) for taking in takings.get(account_id, [])]
                last = queue[-1][0] if queue else latest.get(account_id)
            while drawn > 0:
                if queue:
                    taker, take = queue[0][0], min(drawn, queue[0][1])
                    queue[0][1] -= take
                    if not queue[0][1]:
                        queue.pop(0)
                else:
                    # Beyond this post's takings: settles an earlier negative balance.
                    taker, take = last, drawn
                entry_ids.append(taker)
                lot_ids.append(lot_id)
                points.append(take)
                drawn -= take
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO clinic_loyalty_allocation (entry_id, lot_id, points)
            SELECT v.entry_id, v.lot_id, v.points
              FROM unnest(%(entries)s::int[], %(lots)s::int[], %(points)s::int[])
                   AS v(entry_id, lot_id, points)
        """,
                entries=entry_ids,
                lots=lot_ids,
                points=points,
            )
        )
