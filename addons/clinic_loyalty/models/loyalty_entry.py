import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import account_notices, ledger_post, ledger_sql

# The weekly check of balances and books logs under the accounts' logger, as
# it did when it lived there (what monitoring watches).
_logger = logging.getLogger(__name__.rsplit(".", 1)[0] + ".loyalty_account")

ENTRY_KINDS = [
    ("accrual", "Accrual"),
    ("reversal", "Reversal"),
    ("redemption", "Redemption"),
    ("refund", "Redemption refund"),
    ("adjustment", "Adjustment"),
    ("import", "Import"),
    ("expiry", "Expiry"),
]


class ClinicLoyaltyEntry(models.Model):
    """One line of the append-only points ledger.

    Entries are only ever inserted by ``clinic.loyalty.account._post_entries``;
    the ORM refuses to create, write or delete them and a database trigger
    refuses to change or delete them, whoever asks.
    """

    _name = "clinic.loyalty.entry"
    _description = "Loyalty ledger entry"
    _order = "date desc, id desc"
    _rec_name = "key"

    account_id = fields.Many2one(
        "clinic.loyalty.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one("res.partner", string="Client", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    points = fields.Integer(required=True, readonly=True)
    amount = fields.Monetary(
        string="Spend counted", readonly=True, help="Eligible spend this entry accounts for."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(ENTRY_KINDS, required=True, readonly=True, index=True)
    date = fields.Datetime(required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Posted by", readonly=True)
    reason = fields.Char(readonly=True)
    res_model = fields.Char(string="Source model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Source id", model_field="res_model", readonly=True)
    source_name = fields.Char(string="Source document", readonly=True)
    key = fields.Char(required=True, readonly=True, help="Idempotency key, unique per clinic.")
    staff_purchase = fields.Boolean(
        readonly=True,
        default=False,
        help="Earned by the accrual on the contact of an internal user (or on the company of that contact): "
        "a staff purchase, allowed but recorded.",
    )

    _sql_constraints = [
        ("key_company_uniq", "unique(company_id, key)", "This ledger entry was already posted."),
        ("points_not_zero", "check(points <> 0)", "A ledger entry must move points."),
    ]

    def init(self):
        # Append-only at the database level: no UPDATE of any column, no
        # DELETE, whatever the caller (the ORM, a server action, raw SQL such
        # as the contact merge wizard's foreign-key rewrite).
        self.env.cr.execute("""
            CREATE OR REPLACE FUNCTION clinic_loyalty_entry_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'clinic_loyalty_entry is append-only: post a correcting entry';
            END $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS clinic_loyalty_entry_immutable ON clinic_loyalty_entry;
            CREATE TRIGGER clinic_loyalty_entry_immutable BEFORE UPDATE OR DELETE ON clinic_loyalty_entry
                FOR EACH ROW EXECUTE FUNCTION clinic_loyalty_entry_immutable();
            CREATE INDEX IF NOT EXISTS clinic_loyalty_entry_account_date_idx
                ON clinic_loyalty_entry (account_id, date DESC, id DESC);
            CREATE INDEX IF NOT EXISTS clinic_loyalty_entry_source_idx
                ON clinic_loyalty_entry (res_model, res_id);
        """)

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(
            _("Ledger entries are posted by the loyalty programme only (accrual, redemption or adjustment).")
        )

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("Ledger entries cannot be changed: post a correcting adjustment instead."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Ledger entries cannot be deleted: post a correcting adjustment instead."))

    def action_open_source(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # --- accounting ---
    # Where a ledger entry sits in the books: the daily move that booked it,
    # and which sources book their redemptions through a payment instead.
    move_id = fields.Many2one(
        "account.move",
        string="Journal entry",
        compute="_compute_move_id",
        help="The daily loyalty journal entry that booked this entry's value.",
    )

    def _compute_move_id(self):
        self.env["clinic.loyalty.daily.move"].flush_model(["move_id"])
        self.env.cr.execute(
            SQL(
                """SELECT l.entry_id, d.move_id FROM clinic_loyalty_move_link l
                     JOIN clinic_loyalty_daily_move d ON d.id = l.daily_move_id
                    WHERE l.entry_id = ANY(%s)""",
                list(self._ids),
            )
        )
        move_of = dict(self.env.cr.fetchall())
        for entry in self:
            entry.move_id = move_of.get(entry.id) or False

    @api.model
    def _loyalty_paid_sources(self):
        """Models whose redemption entries (and their refunds) are booked by a
        payment (point of sale, invoice paid with points): the daily entry
        books only the difference between the points' value and the money the
        payment booked (the entry's ``amount``): an invoice paid with points
        books its redemption on the payment (Dr liability, Cr receivable, see
        ``account_payment_points.py``). Extended by the addons that add such
        payments."""
        return ["account.payment"]

    @api.model
    def _loyalty_unsettled_sql(self):
        """SQL condition on a paid source's entry ``e``: the payment that
        books its value is not on the books yet (an open point of sale
        session). Extended by the addons that add such payments."""
        return SQL("FALSE")

    # --- ledger check ---
    # The proofs that the ledger holds: each account's balance is the sum of
    # its entries, its live lots hold its positive balance.
    @api.model
    def _loyalty_balance_drift(self, account_ids=None):
        """[(account id, balance, sum of entries)] of the accounts whose
        balance differs from the sum of their entries (``account_ids``: only
        those; default: the whole ledger)."""
        self.env.flush_all()
        only = SQL("AND a.id = ANY(%s)", list(account_ids)) if account_ids is not None else SQL()
        self.env.cr.execute(ledger_sql.drift(only))
        return self.env.cr.fetchall()

    @api.model
    def _loyalty_check_ledger(self):
        """The weekly proof that balance == sum(entries): each drifting
        account is logged and noted for the Loyalty Managers of its clinic.
        Returns the drift [(account id, balance, sum of entries)]."""
        drift = self._loyalty_balance_drift()
        if drift:
            self._loyalty_report_drift(drift)
        else:
            _logger.info("Loyalty balance check: every balance matches the ledger")
        return drift

    @api.model
    def _loyalty_lot_drift(self):
        """[(account id, balance, points in live lots)] of the accounts whose
        live lots do not hold exactly their positive balance."""
        self.env.flush_all()
        self.env.cr.execute(ledger_sql.LOT_DRIFT)
        return self.env.cr.fetchall()

    @api.model
    def _loyalty_report_drift(self, drift):
        managers = (
            self.env.ref("clinic_loyalty.group_loyalty_manager")
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id)
        )
        for account_id, balance, total in drift:
            account = self.env["clinic.loyalty.account"].sudo().browse(account_id)
            _logger.warning(
                "Loyalty balance drift on account %s (%s): balance %s, ledger %s",
                account_id,
                account.display_name,
                balance,
                total,
            )
            partners = managers.filtered(lambda u, a=account: a.company_id in u.company_ids).partner_id
            account.message_post(
                body=account_notices.drift_note(self.env, balance, total),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
            )

    # --- posting ---
    # Entries are inserted and balances moved here only, under the accounts' row
    # locks (``clinic.loyalty.account._post_entries`` calls it).
    @api.model
    def _loyalty_post(self, entries, carry=None, locked=None):
        """Insert ledger entries and move balances, set-based and atomic.

        :param entries: dicts with account_id, points (signed int), kind, key,
            and optionally amount, reason, res_model, res_id, source_name, date,
            and restores (keys of takings a refund gives back: their points
            return with the expiry dates they had, see ``clinic.loyalty.lot``),
            and staff_check (the accrual: the entry is marked a staff purchase
            when the account's client is an internal user's contact).
        :param carry: optional {account id: new spend_carry} (accrual engine).
        :param locked: {account id: balance} of the accounts the caller locked
            already in this transaction (:meth:`clinic.loyalty.account._lock`).
        :return: the list of keys actually inserted (already-posted keys are
            skipped: posting is idempotent per (company, key)).

        A ``redemption`` may never take a balance below zero; a reversal may.
        """
        entries = [e for e in entries if e["points"]]
        if not entries and not carry:
            return []
        account_ids = sorted({e["account_id"] for e in entries} | set(carry or {}))
        accounts = self.env["clinic.loyalty.account"].browse(account_ids)
        balances = locked if locked is not None and set(locked) == set(account_ids) else accounts._lock()
        if len(balances) != len(account_ids):
            raise ValidationError(_("Unknown loyalty account."))
        self.env.cr.execute(ledger_sql.owners(account_ids))
        owner = {a: (p, c) for a, p, c in self.env.cr.fetchall()}
        if any(e["kind"] == "redemption" for e in entries):
            entries = ledger_post.fresh(self.env.cr, owner, entries)
        ledger_post.check(self.env, entries, balances)
        uid = self.env.uid
        staff = ledger_post.staff_partners(
            self.env.cr, {owner[e["account_id"]][0] for e in entries if e.get("staff_check")}
        )
        rows = ledger_post.rows(entries, owner, staff, uid, fields.Datetime.now())
        inserted = ledger_post.insert(self.env.cr, rows)
        ledger_post.move_balances(self.env.cr, account_ids, inserted, carry)
        if inserted:
            # Lots for what was added, oldest-to-expire-first draws for what was taken.
            self.env["clinic.loyalty.lot"]._on_post(
                inserted, {e["key"]: e["restores"] for e in entries if e.get("restores")}, balances
            )
            self.env["clinic.loyalty.lot"].invalidate_model()
        self.env["clinic.loyalty.account"].invalidate_model(["balance", "spend_carry"])
        self.env["clinic.loyalty.entry"].invalidate_model()
        return [key for _i, _a, _p, key in inserted]

    # --- give back ---
    @api.model
    def _loyalty_give_back(self, account, taken_keys, refund_prefix, points=None, key=None, values=None):
        """The one way points spent come back to ``account`` (a points
        payment undone, a refund, a reward request refused): at most what the takings
        ``taken_keys`` spent less what the refunds whose key starts with
        ``refund_prefix`` gave back already, read under the account's lock,
        so points come back once; with the expiry dates they had.

        :param points: how many to give back (all that is left when None).
        :param key: the refund's key (default: ``refund_prefix`` and the
            number of refunds before it).
        :param values: the entry's other values (reason, amount, res_model,
            res_id, source_name).
        :return: the points given back (0: nothing was left to give back).
        """
        account._lock()  # serialise two give-backs of the same takings
        Entry = self.sudo()
        taken = Entry.search([("account_id", "=", account.id), ("key", "in", list(taken_keys))])
        back = Entry.search(
            [("account_id", "=", account.id), ("kind", "=", "refund"), ("key", "=like", f"{refund_prefix}%")]
        )
        left = -sum(taken.mapped("points")) - sum(back.mapped("points"))
        points = left if points is None else min(points, left)
        if points <= 0:
            return 0
        account._post_entries(
            [
                {
                    **(values or {}),
                    "account_id": account.id,
                    "points": points,
                    "kind": "refund",
                    "key": key or f"{refund_prefix}{len(back)}",
                    # Back with the expiry dates they had: no extension by cancel-and-pay.
                    "restores": list(taken_keys),
                }
            ]
        )
        return points
