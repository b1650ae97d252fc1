import logging

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from ..tools import ledger_sql

_logger = logging.getLogger(__name__)

# The largest number of points an entry, a balance, a lot or a document holds
# (their columns are int4); checked before every insert.
MAX_POINTS = 2**31 - 1


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
        help="Portal users other than the client's own login who may see this account and request "
        "rewards from it (e.g. a farm's contact). Only a Loyalty Manager grants it; a grant holds "
        "redemptions like any change of owner.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A client has one loyalty account per clinic.",
        ),
    ]

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
            for account, users in before.items():
                if account.portal_user_ids != users:
                    account._loyalty_owner_changed(
                        _(
                            "Portal access changed by %(user)s: %(users)s.",
                            user=self.env.user.name,
                            users=", ".join(account.portal_user_ids.mapped("name")) or _("the client only"),
                        )
                    )
            return result
        return super().write(vals)

    def action_open_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_entry_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_or_create(self, pairs):
        """Accounts for ``pairs`` of (commercial partner id, company id).

        Set-based: one INSERT ... ON CONFLICT DO NOTHING for the missing ones
        and one SELECT, whatever the number of pairs. Returns {pair: account id}.
        """
        pairs = sorted(set(pairs))
        if not pairs:
            return {}
        uid = self.env.uid
        created = execute_values(
            self.env.cr._obj,
            ledger_sql.INSERT_ACCOUNTS,
            [(p, c, uid) for p, c in pairs],
            page_size=1000,
            fetch=True,
        )
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
        return self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "=", (company or self.env.company).id),
            ]
        )

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
        self.env.cr.execute(
            SQL(
                """SELECT id, balance FROM clinic_loyalty_account
                WHERE id IN %s ORDER BY id FOR NO KEY UPDATE""",
                tuple(self.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    @api.model
    def _loyalty_staff_partners(self, partner_ids):
        """The ids among ``partner_ids`` (account owners, commercial
        partners) that are the contact of an active internal user, or the
        commercial entity of such a contact: what they earn is a staff
        purchase (one query)."""
        if not partner_ids:
            return set()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT unnest(ARRAY[p.id, p.commercial_partner_id])
                     FROM res_users u JOIN res_partner p ON p.id = u.partner_id
                    WHERE u.active AND NOT u.share
                      AND (p.id = ANY(%(ids)s) OR p.commercial_partner_id = ANY(%(ids)s))""",
                ids=list(partner_ids),
            )
        )
        return {pid for (pid,) in self.env.cr.fetchall()} & set(partner_ids)

    def _post_entries(self, entries, carry=None):
        """Insert ledger entries and move balances, set-based and atomic.

        :param entries: dicts with account_id, points (signed int), kind, key,
            and optionally amount, reason, res_model, res_id, source_name, date,
            and restores (keys of takings a refund gives back: their points
            return with the expiry dates they had, see ``clinic.loyalty.lot``),
            and staff_check (the accrual: the entry is marked a staff purchase
            when the account's client is an internal user's contact).
        :param carry: optional {account id: new spend_carry} (accrual engine).
        :return: the list of keys actually inserted (already-posted keys are
            skipped: posting is idempotent per (company, key)).

        A ``redemption`` may never take a balance below zero; a reversal may.
        """
        entries = [e for e in entries if e["points"]]
        if not entries and not carry:
            return []
        account_ids = sorted({e["account_id"] for e in entries} | set(carry or {}))
        accounts = self.browse(account_ids)
        balances = accounts._lock()
        if len(balances) != len(account_ids):
            raise ValidationError(_("Unknown loyalty account."))
        self.env.cr.execute(
            SQL(
                "SELECT id, partner_id, company_id FROM clinic_loyalty_account WHERE id IN %s",
                tuple(account_ids),
            )
        )
        owner = {a: (p, c) for a, p, c in self.env.cr.fetchall()}
        if any(e["kind"] == "redemption" for e in entries):
            # Entries already posted (a replayed key) are skipped by the INSERT:
            # they must not count towards the balance a redemption is checked on.
            keys = {(owner[e["account_id"]][1], e["key"]) for e in entries}
            self.env.cr.execute(
                SQL(
                    "SELECT company_id, key FROM clinic_loyalty_entry WHERE (company_id, key) IN %s",
                    tuple(keys),
                )
            )
            seen = set(self.env.cr.fetchall())
            fresh = []
            for e in entries:
                if (owner[e["account_id"]][1], e["key"]) not in seen:
                    seen.add((owner[e["account_id"]][1], e["key"]))
                    fresh.append(e)
            entries = fresh
        projected = dict(balances)
        for e in entries:
            projected[e["account_id"]] += e["points"]
            if abs(e["points"]) > MAX_POINTS or abs(projected[e["account_id"]]) > MAX_POINTS:
                # Checked before the INSERT: an int4 overflow would abort the
                # whole transaction with no word of which document caused it.
                raise ValidationError(
                    _(
                        "%(points)s points cannot be posted on one account: a balance or an entry is limited "
                        "to %(max)s points. Check the amount of %(document)s.",
                        points=e["points"],
                        max=MAX_POINTS,
                        document=e.get("source_name") or e["key"],
                    )
                )
            if e["kind"] == "redemption" and e["points"] < 0 and projected[e["account_id"]] < 0:
                raise UserError(
                    _(
                        "Not enough points: the balance is %(balance)s, the redemption needs %(points)s.",
                        balance=balances[e["account_id"]],
                        points=-e["points"],
                    )
                )
        uid = self.env.uid
        staff = self._loyalty_staff_partners(
            {owner[e["account_id"]][0] for e in entries if e.get("staff_check")}
        )
        rows = [
            (
                e["account_id"],
                owner[e["account_id"]][0],
                owner[e["account_id"]][1],
                e["points"],
                e.get("amount") or 0.0,
                e["kind"],
                e.get("date") or fields.Datetime.now(),
                e.get("user_id") or uid,
                e.get("reason"),
                e.get("res_model"),
                e.get("res_id") or None,
                e.get("source_name"),
                e["key"],
                bool(e.get("staff_check")) and owner[e["account_id"]][0] in staff,
                uid,
                uid,
            )
            for e in entries
        ]
        inserted = (
            execute_values(
                self.env.cr._obj,
                ledger_sql.INSERT_ENTRIES,
                rows,
                page_size=1000,
                fetch=True,
                template=ledger_sql.ENTRY_TEMPLATE,
            )
            if rows
            else []
        )
        deltas = {}
        for _id, account_id, points, _key in inserted:
            deltas[account_id] = deltas.get(account_id, 0) + points
        updates = [
            (a, deltas.get(a, 0), (carry or {}).get(a))
            for a in account_ids
            if deltas.get(a) or (carry and a in carry)
        ]
        if updates:
            ids, moves, carries = (list(column) for column in zip(*updates, strict=True))
            self.env.cr.execute(ledger_sql.move_balances(ids, moves, carries))
        if inserted:
            # Lots for what was added, oldest-to-expire-first draws for what was taken.
            self.env["clinic.loyalty.lot"]._on_post(
                inserted, {e["key"]: e["restores"] for e in entries if e.get("restores")}, balances
            )
            self.env["clinic.loyalty.lot"].invalidate_model()
        self.env["clinic.loyalty.account"].invalidate_model(["balance", "spend_carry"])
        self.env["clinic.loyalty.entry"].invalidate_model()
        return [key for _i, _a, _p, key in inserted]

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
            raise UserError(_("A redemption must spend a positive number of points."))
        if company.loyalty_status == "test" and not training:
            raise UserError(
                _(
                    "%(clinic)s's loyalty programme is in Test: it is not open for redemptions, except on "
                    "a training point of sale (a Loyalty Manager marks one).",
                    clinic=company.name,
                )
            )
        if company.loyalty_status not in ("on", "test"):
            raise UserError(
                _(
                    "%(clinic)s's loyalty programme is off: it is not open for redemptions, points cannot "
                    "be spent.",
                    clinic=company.name,
                )
            )
        return self._lock()[self.id]

    def _redeem(
        self, points, reason, key, *, consent, res_model=None, res_id=None, source_name=None, amount=None
    ):
        """The one way points are spent (portal requests, back office, POS).

        :param consent: how the client agreed: ``"portal"`` when the client
            asked from their own portal session, ``"staff"`` when staff acts
            for them. The OTP addon overrides this method and requires a
            verified one-time code for staff redemptions.

        :param amount: money a payment booked for these points (point of
            sale, invoice paid with points), recorded on the entry so the
            books can settle the difference with points x value.

        Refuses unless :meth:`_check_redeemable` allows it.
        """
        self.ensure_one()
        if consent not in ("portal", "staff"):
            raise UserError(_("Unknown redemption consent %(consent)s.", consent=consent))
        self._check_redeemable(points)
        posted = self._post_entries(
            [
                {
                    "account_id": self.id,
                    "points": -points,
                    "kind": "redemption",
                    "key": key,
                    "reason": reason,
                    "res_model": res_model,
                    "res_id": res_id,
                    "source_name": source_name,
                    "amount": amount,
                }
            ]
        )
        if not posted:
            raise UserError(_("This redemption was already recorded."))
        return posted[0]

    def _give_back(self, taken_keys, refund_prefix, points=None, *, key=None, **values):
        """The one way points spent come back (a points payment undone, a
        refund, a reward request refused): at most what the takings
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
        self.ensure_one()
        self._lock()  # serialise two give-backs of the same takings
        Entry = self.env["clinic.loyalty.entry"].sudo()
        taken = Entry.search([("account_id", "=", self.id), ("key", "in", list(taken_keys))])
        back = Entry.search(
            [("account_id", "=", self.id), ("kind", "=", "refund"), ("key", "=like", f"{refund_prefix}%")]
        )
        left = -sum(taken.mapped("points")) - sum(back.mapped("points"))
        points = left if points is None else min(points, left)
        if points <= 0:
            return 0
        self._post_entries(
            [
                {
                    **values,
                    "account_id": self.id,
                    "points": points,
                    "kind": "refund",
                    "key": key or f"{refund_prefix}{len(back)}",
                    # Back with the expiry dates they had: no extension by cancel-and-pay.
                    "restores": list(taken_keys),
                }
            ]
        )
        return points

    @api.model
    def _check_drift(self, account_ids=None):
        """Accounts whose balance differs from the sum of their entries:
        [(account id, balance, sum of entries)]. Empty when the books hold.
        ``account_ids``: only those accounts (default: the whole ledger)."""
        self.env.flush_all()
        only = SQL("AND a.id = ANY(%s)", list(account_ids)) if account_ids is not None else SQL()
        self.env.cr.execute(ledger_sql.drift(only))
        return self.env.cr.fetchall()

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
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": _("Account checked: its points match the ledger.")
                    if len(scope) == 1
                    else _("%(count)s accounts checked: their points match the ledger.", count=len(scope)),
                },
            }
        lines = [
            self.env._(
                "%(account)s: balance %(balance)s, ledger %(total)s",
                account=a.display_name,
                balance=drift[a.id][0],
                total=drift[a.id][1],
            )
            for a in drifting
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "danger",
                "sticky": True,
                "message": _(
                    "Balances that do not match the ledger: %(accounts)s",
                    accounts="; ".join(lines),
                ),
            },
        }

    @api.model
    def _cron_check_balances(self):
        """Weekly proof that balance == sum(entries): logs each drifting
        account and posts a note on it for the Loyalty Managers of its clinic.
        Then proves the books (``_loyalty_check_books``). Returns the drift
        list [(account id, balance, sum of entries)]."""
        drift = self._check_drift()
        if drift:
            self._loyalty_report_drift(drift)
        else:
            _logger.info("Loyalty balance check: every balance matches the ledger")
        self._loyalty_check_books()
        return drift

    def _loyalty_report_drift(self, drift):
        managers = (
            self.env.ref("clinic_loyalty.group_loyalty_manager")
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id)
        )
        for account_id, balance, total in drift:
            account = self.sudo().browse(account_id)
            _logger.warning(
                "Loyalty balance drift on account %s (%s): balance %s, ledger %s",
                account_id,
                account.display_name,
                balance,
                total,
            )
            partners = managers.filtered(lambda u, a=account: a.company_id in u.company_ids).partner_id
            account.message_post(
                body=_(
                    "Balance check: the balance (%(balance)s) does not match the sum of the ledger "
                    "entries (%(total)s). Investigate before the client redeems points.",
                    balance=balance,
                    total=total,
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
            )

    # --- expiry ---
    lot_ids = fields.One2many("clinic.loyalty.lot", "account_id", string="Lots")
    expiry_summary = fields.Char(
        string="Next expiry",
        compute="_compute_expiry_summary",
        help="The points that expire next and when (the clinic's expiry rule when they were earned).",
    )

    def _compute_expiry_summary(self):
        for account in self:
            account.expiry_summary = account._loyalty_expiry_text()

    def _loyalty_expiry_schedule(self, until=None, limit=3):
        """[(date, points)] of this account's live points that expire, the
        first ``limit`` dates (all when None), up to ``until`` if given."""
        self.ensure_one()
        if not self.id:
            return []
        self.env["clinic.loyalty.lot"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT expiry_date, SUM(remaining) FROM clinic_loyalty_lot
                    WHERE account_id = %(account)s AND remaining > 0 AND expiry_date IS NOT NULL
                      AND (%(until)s::date IS NULL OR expiry_date <= %(until)s::date)
                    GROUP BY expiry_date ORDER BY expiry_date LIMIT %(limit)s""",
                account=self.id,
                until=until,
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    def _loyalty_expiry_text(self, limit=3):
        """ "30 points expire on 01/31/2027; 12 points expire on ...", or empty."""
        self.ensure_one()
        return "; ".join(
            _("%(points)s points expire on %(date)s", points=points, date=format_date(self.env, date))
            for date, points in self._loyalty_expiry_schedule(limit=limit)
        )

    def _check_lot_drift(self):
        """Accounts whose live lots do not hold exactly their positive
        balance: [(account id, balance, points in live lots)]. Empty when
        the lots and the ledger agree."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT a.id, a.balance, COALESCE(l.total, 0)
              FROM clinic_loyalty_account a
              LEFT JOIN (SELECT account_id, SUM(remaining) AS total FROM clinic_loyalty_lot
                          WHERE remaining > 0 GROUP BY account_id) l ON l.account_id = a.id
             WHERE GREATEST(a.balance, 0) <> COALESCE(l.total, 0)
        """)
        return self.env.cr.fetchall()

    # --- books check ---
    # The weekly balance check also proves the books: a clinic whose liability
    # account does not carry the value of its booked points is reported.
    @api.model
    def _loyalty_check_books(self):
        for company, difference in self.env["res.company"].sudo()._loyalty_liability_drift():
            _logger.warning(
                "Loyalty liability drift at %s (%s): the liability account is off the points' value by %s",
                company.id,
                company.name,
                difference,
            )
            company.partner_id.message_post(
                body=_(
                    "Points liability check: the liability account differs from the value of the booked "
                    "points by %(difference)s. Open Loyalty → Reporting → Points liability and look for an "
                    "entry booked by hand on the liability account.",
                    difference=company.currency_id.format(difference),
                ),
                subtype_xmlid="mail.mt_note",
            )
