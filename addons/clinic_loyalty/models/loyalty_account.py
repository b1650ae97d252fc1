from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..tools import account_notices as notices
from ..tools import ledger_post, ledger_sql
from ..tools.ledger_post import MAX_POINTS  # noqa: F401 - imported from here by the accrual and the books

ONE_PER_CLINIC = "A client has one loyalty account per clinic."


class ClinicLoyaltyAccount(models.Model):
    """A client's points at one clinic (company).

    The balance is never written through the ORM: it moves only inside
    :meth:`_post_entries`, in the transaction that inserts the entries and
    under a row lock on the account, so balance == sum(entries) always holds.
    """

    _name = "clinic.loyalty.account"
    _inherit = ["mail.thread"]
    _description = "Loyalty account"
    _order = "partner_id, company_id"
    _rec_names_search = ["partner_id.name", "partner_id.email", "partner_id.ref"]

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company",
        string="Clinic",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    balance = fields.Integer(readonly=True, default=0, tracking=True)
    spend_carry = fields.Monetary(
        string="Spend not yet in points",
        readonly=True,
        default=0.0,
        help="Eligible spend not yet converted into points (total customer spend mode).",
    )
    entry_ids = fields.One2many("clinic.loyalty.entry", "account_id", string="Ledger")
    entry_count = fields.Integer(compute="_compute_entry_count")
    active = fields.Boolean(default=True)
    portal_user_ids = fields.Many2many(
        "res.users",
        "clinic_loyalty_account_portal_user_rel",
        "account_id",
        "user_id",
        string="Portal access granted to",
        domain=[("share", "=", True)],
        tracking=True,
        help=notices.PORTAL_ACCESS_HELP,
    )

    _sql_constraints = [("partner_company_uniq", "unique(partner_id, company_id)", ONE_PER_CLINIC)]

    @api.depends("partner_id", "company_id")
    def _compute_display_name(self):
        for account in self:
            account.display_name = f"{account.partner_id.name} · {account.company_id.name}"

    def _compute_entry_count(self):
        counts = dict(
            self.env["clinic.loyalty.entry"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.entry_count = counts.get(account, 0)

    @api.constrains("portal_user_ids")
    def _check_portal_user_ids(self):
        if any(not user.share for user in self.portal_user_ids):
            raise ValidationError(_("Only portal users can be granted portal access to a loyalty account."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("balance") or vals.get("spend_carry"):
                raise AccessError(_("A loyalty account starts empty: points come from ledger entries."))
        accounts = super().create(vals_list)
        accounts._loyalty_after_create()
        return accounts

    def write(self, vals):
        if {"balance", "spend_carry", "partner_id", "company_id"} & set(vals):
            raise AccessError(_("Balances change only by posting ledger entries."))
        if "portal_user_ids" in vals and not self.env.su:
            if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
                raise AccessError(_("Only a Loyalty Manager grants portal access to a loyalty account."))
            before = {account: account.portal_user_ids for account in self}
            result = super().write(vals)
            user = self.env.user.name
            for account, users in before.items():
                if account.portal_user_ids != users:
                    names = ", ".join(account.portal_user_ids.mapped("name"))
                    account._loyalty_owner_changed(notices.portal_changed(self.env, user, names))
            return result
        return super().write(vals)

    def action_open_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_entry_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    # --- business methods ---
    @api.model
    def _get_or_create(self, pairs):
        """Accounts for ``pairs`` of (commercial partner id, company id).

        Set-based: one INSERT ... ON CONFLICT DO NOTHING for the missing ones
        and one SELECT, whatever the number of pairs. Returns {pair: account id}.
        """
        pairs = sorted(set(pairs))
        if not pairs:
            return {}
        created = ledger_post.insert_accounts(self.env.cr, pairs, self.env.uid)
        if created:
            self.browse([account_id for (account_id,) in created])._loyalty_after_create()
        self.env.cr.execute(ledger_sql.account_ids(pairs))
        return {(p, c): a for p, c, a in self.env.cr.fetchall()}

    @api.model
    def _account_for(self, partner, company):
        """The account of ``partner`` (a commercial partner) at ``company``,
        created if missing: :meth:`_get_or_create` for one pair."""
        pair = (partner.id, company.id)
        return self.browse(self._get_or_create([pair])[pair])

    @api.model
    def _lookup(self, partners, company=None):
        """The accounts of the clients ``partners`` (by their commercial
        partner) at ``company``, the current clinic by default; none is
        created (:meth:`_account_for` creates). Whose account is whose is
        decided here only."""
        domain = [("partner_id", "in", partners.commercial_partner_id.ids)]
        return self.search(domain + [("company_id", "=", (company or self.env.company).id)])

    def _loyalty_after_create(self):
        """Hook run once on accounts just created, by the ORM or set-based
        (``_get_or_create``): the OTP addon fixes the number codes go to."""
        return True

    def _loyalty_owner_changed(self, body):
        """Who an account belongs to changed (parent company, merge, portal
        access): logged in the account's chatter and the client is told by
        email. The OTP addon also holds redemptions for 24 hours and tells
        the number for codes by SMS."""
        for account in self.sudo():
            partner = account.partner_id
            account.message_post(
                body=body,
                partner_ids=partner.ids if partner.email else [],
                subtype_xmlid="mail.mt_comment" if partner.email else "mail.mt_note",
            )
        return True

    def _lock(self):
        """Row-lock the accounts (sorted, so two lockers never deadlock) and
        return their current {id: balance} read under the lock."""
        if not self.ids:
            return {}
        self.env.cr.execute(ledger_sql.lock(self.ids))
        return dict(self.env.cr.fetchall())

    def _post_entries(self, entries, carry=None, locked=None):
        """Insert ledger entries and move balances, set-based and atomic: the
        only place balances move (see ``clinic.loyalty.entry._loyalty_post``).
        Returns the keys actually inserted."""
        return self.env["clinic.loyalty.entry"]._loyalty_post(entries, carry, locked)

    def _check_redeemable(self, points, *, training=False):
        """Raise a UserError saying why, unless this account may spend
        ``points`` now: the points are positive and the clinic's programme is
        On. Every redemption (portal request, back office, point of sale) is
        checked here first. Row-locks the account until the transaction ends
        and returns its balance read under the lock (the ledger refuses a
        redemption it does not cover, see :meth:`_post_entries`).

        :param training: a trial that takes nothing from real balances (the
            OTP addon's training points of sale): allowed while the programme
            is in Test, too.
        """
        self.ensure_one()
        company = self.company_id
        if points <= 0:
            raise UserError(notices.not_positive(self.env))
        if company.loyalty_status == "test" and not training:
            raise UserError(notices.in_test(self.env, company.name))
        if company.loyalty_status not in ("on", "test"):
            raise UserError(notices.off(self.env, company.name))
        return self._lock()[self.id]

    def _redeem(self, points, reason, key, *, consent, balance=None, **values):
        """The one way points are spent (portal requests, back office, POS).

        :param consent: how the client agreed: ``"portal"`` when the client
            asked from their own portal session, ``"staff"`` when staff acts
            for them. The OTP addon overrides this method and requires a
            verified one-time code for staff redemptions.

        :param amount: money a payment booked for these points (point of
            sale, invoice paid with points), recorded on the entry so the
            books can settle the difference with points x value.

        Refuses unless :meth:`_check_redeemable` allows it; ``balance``: what
        it returned to a caller who checked already (the account stays locked
        once in the spend).
        """
        self.ensure_one()
        if consent not in ("portal", "staff"):
            raise UserError(_("Unknown redemption consent %(consent)s.", consent=consent))
        if balance is None:
            balance = self._check_redeemable(points)
        entry = {"account_id": self.id, "points": -points, "kind": "redemption", "key": key, "reason": reason}
        entry.update(values)
        posted = self._post_entries([entry], locked={self.id: balance})
        if not posted:
            raise UserError(_("This redemption was already recorded."))
        return posted[0]

    def _give_back(self, taken_keys, refund_prefix, points=None, *, key=None, **values):
        """The one way points spent come back: see
        ``clinic.loyalty.entry._loyalty_give_back``."""
        self.ensure_one()
        return self.env["clinic.loyalty.entry"]._loyalty_give_back(
            self, taken_keys, refund_prefix, points, key, values
        )

    @api.model
    def _check_drift(self, account_ids=None):
        """Accounts whose balance differs from the sum of their entries:
        [(account id, balance, sum of entries)]. Empty when the books hold.
        ``account_ids``: only those accounts (default: the whole ledger)."""
        return self.env["clinic.loyalty.entry"]._loyalty_balance_drift(account_ids)

    def action_check_balance(self):
        """Compare the balance of the selected accounts (all visible accounts
        when called on none) with the sum of their ledger entries."""
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_user")):
            raise AccessError(_("Only Loyalty Users check the balances of loyalty accounts."))
        # Only the accounts the user may read (record rules: their clinics).
        self.check_access("read")
        scope = self or self.search([])
        drift = {account_id: (balance, total) for account_id, balance, total in self._check_drift(scope.ids)}
        drifting = scope.filtered(lambda a: a.id in drift)
        if not drifting:
            return notices.checked(self.env, len(scope))
        lines = [notices.drift_line(self.env, a.display_name, *drift[a.id]) for a in drifting]
        return notices.drifting(self.env, lines)

    @api.model
    def _cron_check_balances(self):
        """Weekly proof that balance == sum(entries): logs each drifting
        account and posts a note on it for the Loyalty Managers of its clinic,
        then proves the books. Returns the drift [(account id, balance, sum)]."""
        drift = self.env["clinic.loyalty.entry"]._loyalty_check_ledger()
        self.env["clinic.loyalty.liability.report"]._loyalty_check_books()
        return drift

    # --- expiry ---
    lot_ids = fields.One2many("clinic.loyalty.lot", "account_id", string="Lots")
    expiry_summary = fields.Char(
        string="Next expiry", compute="_compute_expiry_summary", help=notices.EXPIRY_HELP
    )

    def _compute_expiry_summary(self):
        for account in self:
            account.expiry_summary = account._loyalty_expiry_text()

    def _loyalty_expiry_schedule(self, until=None, limit=3):
        """[(date, points)] of this account's live points that expire, the
        first ``limit`` dates (all when None), up to ``until`` if given."""
        self.ensure_one()
        return self.env["clinic.loyalty.expiry"]._loyalty_schedule(self.id, until, limit) if self.id else []

    def _loyalty_expiry_text(self, limit=3):
        """ "30 points expire on 01/31/2027; 12 points expire on ...", or empty."""
        self.ensure_one()
        return "; ".join(
            notices.expiry_line(self.env, points, format_date(self.env, date))
            for date, points in self._loyalty_expiry_schedule(limit=limit)
        )

    def _check_lot_drift(self):
        """[(account id, balance, points in live lots)] of the accounts whose
        live lots do not hold their positive balance (empty: they agree)."""
        return self.env["clinic.loyalty.entry"]._loyalty_lot_drift()
