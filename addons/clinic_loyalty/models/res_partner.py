from odoo import _, api, fields, models
from odoo.exceptions import AccessError

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
        """Moving a contact to or from a client's commercial entity changes
        who a loyalty account belongs to: refused unless a Loyalty Manager
        does it, then logged on the accounts, held and told to the client."""
        if not OWNER_FIELDS & set(vals):
            return super().write(vals)
        scope = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
        before = {partner: partner.commercial_partner_id for partner in scope}
        result = super().write(vals)
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
        return result

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
        accounts = self.env["clinic.loyalty.account"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        balances = {account.partner_id.id: account.balance for account in accounts}
        for partner in self:
            partner.loyalty_balance = balances.get(partner.commercial_partner_id._origin.id, 0)

    def action_open_loyalty_account(self):
        """The client's account at the current clinic; a manager without an
        account yet gets the adjustment wizard, which creates it."""
        self.ensure_one()
        partner = self.commercial_partner_id
        account = self.env["clinic.loyalty.account"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.env.company.id)], limit=1
        )
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
