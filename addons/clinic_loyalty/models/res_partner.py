from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.frozen_documents import COMMERCIAL_SYNC

# Fields that decide a contact's commercial entity, hence whose loyalty
# account its invoices earn on and which account the counter spends.
OWNER_FIELDS = {"parent_id", "is_company", "commercial_partner_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_balance = fields.Integer(
        string="Loyalty points",
        compute="_compute_loyalty_balance",
        groups="clinic_loyalty.group_loyalty_user",
        help="Points of the client at the current clinic.",
    )

    def write(self, vals):
        """No contact is filed under a member of staff; moving a contact to or
        from a client's commercial entity changes who a loyalty account
        belongs to (``_loyalty_owners_moved``)."""
        if vals.get("parent_id") and any(partner.parent_id.id != vals["parent_id"] for partner in self):
            self._loyalty_check_staff_parent([vals["parent_id"]])
        before = {}
        if OWNER_FIELDS & set(vals):
            scope = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
            before = {partner: partner.commercial_partner_id for partner in scope}
        # Odoo moves the contact's documents to its new commercial partner:
        # allowed on posted ones (who may re-parent is decided below).
        token = COMMERCIAL_SYNC.set(True) if "parent_id" in vals else None
        try:
            result = super().write(vals)
            if before:
                self._loyalty_owners_moved(before)
        finally:
            if token is not None:
                COMMERCIAL_SYNC.reset(token)
        return result

    def _loyalty_owners_moved(self, before):
        """After a write: contacts whose commercial entity changed since
        ``before`` ({contact: commercial partner}) are refused unless a
        Loyalty Manager moved them, then logged on the accounts, held and
        told to the client."""
        moved = {
            p: (old, p.commercial_partner_id) for p, old in before.items() if p.commercial_partner_id != old
        }
        if moved:
            owners = self.env["res.partner"].union(*(old | new for old, new in moved.values()))
            accounts = (
                self.env["clinic.loyalty.account"]
                .sudo()
                .with_context(active_test=False)
                .search([("partner_id", "in", owners.ids)])
            )
            contacts = self.env["res.partner"].union(*moved)
            if accounts or (owners | contacts)._loyalty_has_stake():
                if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
                    raise AccessError(
                        _(
                            "%(contacts)s belong to clients with loyalty points: only a Loyalty Manager can "
                            "change their parent company.",
                            contacts=", ".join(p.display_name for p in moved),
                        )
                    )
                for account in accounts:
                    changes = [
                        _("%(contact)s: %(old)s → %(new)s", contact=p.display_name, old=o.name, new=n.name)
                        for p, (o, n) in moved.items()
                        if account.partner_id in (o | n)
                    ]
                    account._loyalty_owner_changed(
                        _(
                            "Commercial entity changed by %(user)s (%(changes)s).",
                            user=self.env.user.name,
                            changes="; ".join(changes),
                        )
                    )

    def _loyalty_match_doubts(self, numbers):
        """Contacts an automatic match (PMS import) must not take alone:
        ``numbers`` is {partner id: the E.164 number the source knows}.
        Returns {partner id: why a Loyalty Manager should decide}. The core
        knows of no doubt; the OTP addon doubts contacts whose number for
        codes staff typed and that differ from the source's."""
        return {}

    def _loyalty_has_stake(self):
        """Whether any of these contacts has something the programme counts or
        will count: a loyalty account, or customer documents that earn (the
        nightly accrual creates the account later). Deciding who such a
        contact belongs to is a Loyalty Manager's act. Addons that feed the
        engine from elsewhere (PMS imports) add their documents here."""
        if not self:
            return False
        partners = self.with_context(active_test=False)
        people = partners | partners.commercial_partner_id
        if (
            self.env["clinic.loyalty.account"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "in", people.ids)], limit=1)
        ):
            return True
        return bool(
            self.env["account.move"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("partner_id", "in", people.ids),
                    ("commercial_partner_id", "in", people.ids),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
        )

    def unlink(self):
        """A contact merge deletes the merged contacts: those holding a loyalty
        account are archived instead, with their ledger (nothing deleted)."""
        if not self.env.context.get("clinic_loyalty_merge"):
            return super().unlink()
        Account = self.env["clinic.loyalty.account"].sudo().with_context(active_test=False)
        kept = Account.search([("partner_id", "in", self.ids)]).partner_id
        kept.write({"active": False})
        return super(ResPartner, self - kept).unlink()

    @api.depends_context("company")
    def _compute_loyalty_balance(self):
        accounts = self.env["clinic.loyalty.account"]._lookup(self)
        balances = {account.partner_id.id: account.balance for account in accounts}
        for partner in self:
            partner.loyalty_balance = balances.get(partner.commercial_partner_id._origin.id, 0)

    def action_open_loyalty_account(self):
        """The client's account at the current clinic; a manager without an
        account yet gets the adjustment wizard, which creates it."""
        self.ensure_one()
        partner = self.commercial_partner_id
        account = self.env["clinic.loyalty.account"]._lookup(partner)
        if account:
            return {
                "type": "ir.actions.act_window",
                "res_model": "clinic.loyalty.account",
                "res_id": account.id,
                "view_mode": "form",
            }
        if self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            return self.action_loyalty_adjust()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "%(client)s has no loyalty points at %(clinic)s yet.",
                    client=partner.name,
                    clinic=self.env.company.name,
                ),
            },
        }

    def action_loyalty_adjust(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clinic_loyalty.loyalty_adjustment_wizard_action"
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # --- expiry ---
    loyalty_expiry_summary = fields.Char(
        string="Points expiring",
        compute="_compute_loyalty_expiry_summary",
        groups="clinic_loyalty.group_loyalty_user",
        help="The client's points at the current clinic that expire next, and when.",
    )

    def _compute_loyalty_expiry_summary(self):
        accounts = self.env["clinic.loyalty.account"]._lookup(self)
        by_partner = {account.partner_id.id: account for account in accounts}
        for partner in self:
            account = by_partner.get(partner.commercial_partner_id._origin.id)
            partner.loyalty_expiry_summary = account._loyalty_expiry_text() if account else False

    # --- signal ---
    # The staff signals badge on a client.
    loyalty_signal_count = fields.Integer(
        string="Staff signals",
        compute="_compute_loyalty_signal_count",
        groups="clinic_loyalty.group_loyalty_manager",
    )

    @api.depends_context("uid")
    def _compute_loyalty_signal_count(self):
        """Signals about the contact as a client, or as a staff member (the
        contact of the user concerned), counted under the reader's rights."""
        signals = self.env["clinic.loyalty.signal"].search_fetch(
            self._loyalty_signal_domain(), ["partner_id", "user_id"]
        )
        counts = dict.fromkeys(self.ids, 0)
        for signal in signals:
            for partner_id in {signal.partner_id.id, signal.user_id.partner_id.id} & set(counts):
                counts[partner_id] += 1
        for partner in self:
            partner.loyalty_signal_count = counts.get(partner.id, 0)

    def _loyalty_signal_domain(self):
        return [
            ("state", "!=", "dismissed"),
            "|",
            ("partner_id", "in", self.ids),
            ("user_id.partner_id", "in", self.ids),
        ]

    def action_open_loyalty_signals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_signal_action")
        action["domain"] = self._loyalty_signal_domain()
        action["context"] = {}
        return action

    # --- staff ---
    # No client becomes part of a member of staff.
    @api.model_create_multi
    def create(self, vals_list):
        self._loyalty_check_staff_parent([vals.get("parent_id") for vals in vals_list])
        return super().create(vals_list)

    @api.model
    def _loyalty_staff_contacts(self, partner_ids):
        """Those of ``partner_ids`` that are the contact of an internal user."""
        users = (
            self.env["res.users"]
            .sudo()
            .search([("partner_id", "in", [pid for pid in partner_ids if pid]), ("share", "=", False)])
        )
        return users.partner_id

    @api.model
    def _loyalty_check_staff_parent(self, parent_ids):
        """A contact under an internal user's contact earns on it: nobody
        (whatever their rights) files a contact under a member of staff."""
        staff = self._loyalty_staff_contacts(parent_ids)
        if staff:
            raise AccessError(
                _(
                    "%(staff)s is the contact of a user of the clinic: no contact can be filed under it. "
                    "Create the client as a contact of their own.",
                    staff=", ".join(staff.mapped("display_name")),
                )
            )
