from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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
