from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tools.phone import phone_e164

from ..tools.pms_matching import (
    EMAIL_CANDIDATES,
    PARTNER_SCOPE,
    PHONE_CANDIDATES,
    PHONE_SUFFIX,
    REF_INSERT,
    REF_MATCH_UPDATE,
    pick,
    relink_entries,
)


class ClinicLoyaltyPmsClientRef(models.Model):
    """A PMS client id, per import profile, and the Odoo partner it is.

    Without a partner it sits in the "Unmatched clients" queue: its staged
    invoices wait (nothing is dropped) and accrue on the run after staff
    link it to a partner or create one.
    """

    _name = "clinic.loyalty.pms.client.ref"
    _description = "PMS client"
    _order = "partner_id desc, name, id"
    _rec_name = "name"

    profile_id = fields.Many2one(
        "clinic.loyalty.pms.profile", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True, index=True)
    external_id = fields.Char(string="PMS client id", required=True, readonly=True)
    name = fields.Char(string="Name in the PMS", readonly=True)
    phone = fields.Char(string="Phone in the PMS", readonly=True)
    email = fields.Char(string="Email in the PMS", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        index=True,
        ondelete="restrict",
        domain="[('company_id', 'in', (company_id, False))]",
    )
    match_method = fields.Selection(
        [("phone", "Phone"), ("email", "Email"), ("manual", "Linked by staff")], readonly=True
    )
    match_note = fields.Char(readonly=True, help="Why the client could not be matched automatically.")
    invoice_ids = fields.One2many("clinic.loyalty.pms.invoice", "client_ref_id", string="Invoices")
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    _sql_constraints = [
        (
            "profile_external_uniq",
            "unique(profile_id, external_id)",
            "A PMS client id appears once per import profile.",
        ),
    ]

    def _compute_invoice_count(self):
        counts = dict(
            self.env["clinic.loyalty.pms.invoice"]._read_group(
                [("client_ref_id", "in", self.ids)], ["client_ref_id"], ["__count"]
            )
        )
        for ref in self:
            ref.invoice_count = counts.get(ref, 0)

    def write(self, vals):
        """Linking a PMS client decides who earns its invoices' points: a
        Loyalty Manager's act, never to a contact of an Odoo user or a
        clinic. Re-linking a wrong link moves the points it earned to the
        right client by correcting entries, logged on both accounts."""
        if set(vals) - {"partner_id"} and not self.env.su:
            raise AccessError(_("Only the client a PMS id belongs to can be changed."))
        if "partner_id" not in vals:
            return super().write(vals)
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            raise AccessError(
                _("Only a Loyalty Manager links a PMS client to a contact: ask one to check the match.")
            )
        if not vals["partner_id"]:
            raise UserError(
                _(
                    "Choose the client this PMS client is. To correct a wrong link, link it to the right "
                    "client: the points it earned move there."
                )
            )
        partner = self.env["res.partner"].browse(vals["partner_id"])
        partner.check_access("read")
        self._check_link_partner(partner)
        if any(partner.company_id and partner.company_id != ref.company_id for ref in self):
            raise UserError(_("Choose a client of the same clinic."))
        previous = {ref: ref.partner_id for ref in self}
        res = super().write(dict(vals, match_method="manual", match_note=False))
        invoices = self.env["clinic.loyalty.pms.invoice"].sudo().search([("client_ref_id", "in", self.ids)])
        for ref in self:
            invoices.filtered(lambda i, r=ref: i.client_ref_id == r).write({"partner_id": ref.partner_id.id})
            if previous[ref] and previous[ref] != ref.partner_id:
                ref._move_points(previous[ref])
        return res

    def _check_link_partner(self, partner):
        people = (partner | partner.commercial_partner_id).sudo().with_context(active_test=False)
        is_clinic = self.env["res.company"].sudo().search_count([("partner_id", "in", people.ids)])
        if is_clinic or people.user_ids.filtered(lambda u: not u.share):
            raise UserError(
                _(
                    "%(contact)s is the contact of an Odoo user or of a clinic: link PMS clients to the "
                    "clients themselves.",
                    contact=partner.display_name,
                )
            )

    def _move_points(self, old_partner):
        """Move what this PMS client's invoices earned from the account they
        earned on to the account of the newly linked client."""
        self.ensure_one()
        Account = self.env["clinic.loyalty.account"].sudo()
        company = self.company_id
        invoices = (
            self.env["clinic.loyalty.pms.invoice"]
            .sudo()
            .search([("client_ref_id", "=", self.id), ("loyalty_points", "!=", 0)])
        )
        if not invoices:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (res_id) res_id, account_id FROM clinic_loyalty_entry
                    WHERE res_model = %s AND res_id = ANY(%s) AND company_id = %s
                    ORDER BY res_id, id DESC""",
                invoices._name,
                invoices.ids,
                company.id,
            )
        )
        earned_on = dict(self.env.cr.fetchall())
        owner = self.partner_id.commercial_partner_id
        target = Account._account_for(owner, company).id
        stamp = fields.Datetime.now().isoformat()
        reason = _("PMS client %(ref)s linked to %(client)s", ref=self.external_id, client=owner.name)
        entries, moved = relink_entries(
            [(invoice._name, invoice.id, invoice.name, invoice.loyalty_points) for invoice in invoices],
            earned_on,
            target,
            lambda invoice_id, source: f"pms-relink:{invoice_id}:{source}>{target}:{stamp}",
            reason,
        )
        if not entries:
            return
        Account._post_entries(entries)
        body = _(
            "PMS client %(ref)s re-linked from %(old)s to %(new)s by %(user)s: %(points)s points moved.",
            ref=self.external_id,
            old=old_partner.display_name,
            new=owner.display_name,
            user=self.env.user.name,
            points=moved,
        )
        sources = Account.browse({e["account_id"] for e in entries} - {target})
        sources.message_post(body=body)
        Account.browse(target)._loyalty_owner_changed(body)

    def action_create_partner(self):
        """Create a client from what the PMS says and link it (a new contact
        made of the PMS's own details, so any Loyalty User may)."""
        for ref in self.filtered(lambda r: not r.partner_id):
            partner = self.env["res.partner"].create(
                {
                    "name": ref.name or ref.external_id,
                    "phone": ref.phone,
                    "email": ref.email,
                    "company_id": ref.company_id.id,
                }
            )
            ref.sudo().partner_id = partner

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty_pms_import.pms_invoice_action")
        action["domain"] = [("client_ref_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Matching (importer, set-based: a few queries per batch)
    # ------------------------------------------------------------------
    @api.model
    def _resolve(self, profile, clients, tried=None):
        """{external id: (name, phone, email)} -> {external id: (ref id, partner id or None)}.

        Known ids keep their partner; new and still unmatched ones are matched
        by phone, then email, when exactly one client of the clinic fits."""
        cr = self.env.cr
        uid = self.env.uid
        new = execute_values(
            cr._obj,
            REF_INSERT,
            [(profile.id, profile.company_id.id, ext, n, p, e, uid) for ext, (n, p, e) in clients.items()],
            page_size=len(clients),
            fetch=True,
        )
        cr.execute(
            SQL(
                """
            SELECT external_id, id, partner_id FROM clinic_loyalty_pms_client_ref
             WHERE profile_id = %s AND external_id = ANY(%s)
        """,
                profile.id,
                list(clients),
            )
        )
        refs = {ext: (ref_id, partner_id) for ext, ref_id, partner_id in cr.fetchall()}
        # Each unmatched client is tried once per file (``tried``), not once per batch.
        tried = set() if tried is None else tried
        pending = {
            ext: clients[ext] for ext, (_r, partner_id) in refs.items() if not partner_id and ext not in tried
        }
        tried.update(pending)
        if pending:
            matches = self._match(profile.company_id, pending)
            execute_values(
                cr._obj,
                REF_MATCH_UPDATE,
                [(refs[ext][0], *matches[ext], *pending[ext]) for ext in pending],
                template="(%s, %s::int, %s, %s, %s, %s, %s)",
                page_size=len(pending),
            )
            for ext in pending:
                refs[ext] = (refs[ext][0], matches[ext][0])
            new = {ext for (ext,) in new}
            matched = [refs[ext][0] for ext in pending if matches[ext][0] and ext not in new]
            if matched:  # invoices staged while the client was unknown now accrue too
                cr.execute(
                    SQL(
                        """
                    UPDATE clinic_loyalty_pms_invoice i SET partner_id = r.partner_id, loyalty_synced = FALSE
                      FROM clinic_loyalty_pms_client_ref r
                     WHERE r.id = ANY(%s) AND i.client_ref_id = r.id AND i.partner_id IS NULL
                """,
                        matched,
                    )
                )
                self.env["clinic.loyalty.pms.invoice"].invalidate_model(["partner_id", "loyalty_synced"])
            self.invalidate_model()
        return refs

    @api.model
    def _match(self, company, pending):
        """{ext: (name, phone, email)} -> {ext: (partner id or None, method, note)}."""
        region = company.country_id.code
        phones = {ext: phone_e164(p, region) for ext, (_n, p, _e) in pending.items()}
        emails = {ext: (e or "").strip().lower() or None for ext, (_n, _p, e) in pending.items()}
        by_phone, by_email = {}, {}
        suffixes = list({p[-PHONE_SUFFIX:] for p in phones.values() if p})
        scope = SQL(PARTNER_SCOPE, company.id)
        if suffixes:
            self.env.cr.execute(SQL(PHONE_CANDIDATES, suffixes, PHONE_SUFFIX, scope))
            for partner_id, number in self.env.cr.fetchall():
                e164 = phone_e164(number, region)
                if e164:
                    by_phone.setdefault(e164, set()).add(partner_id)
        wanted = list({e for e in emails.values() if e})
        if wanted:
            self.env.cr.execute(SQL(EMAIL_CANDIDATES, wanted, scope))
            for partner_id, email in self.env.cr.fetchall():
                by_email.setdefault(email, set()).add(partner_id)
        result = {}
        for ext in pending:
            phone_hits = by_phone.get(phones[ext], set()) if phones[ext] else set()
            email_hits = by_email.get(emails[ext], set()) if emails[ext] else set()
            partner_id, method, candidates = pick(phone_hits, email_hits)
            if partner_id:
                result[ext] = (partner_id, method, None)
            elif candidates:
                result[ext] = (
                    None,
                    None,
                    _("%(count)s clients share this phone or email: choose one.", count=candidates),
                )
            else:
                result[ext] = (None, None, _("No client has this phone or email."))
        matched = {ext: hit[0] for ext, hit in result.items() if hit[0]}
        doubts = self.env["res.partner"]._loyalty_match_doubts(
            {partner_id: phones[ext] for ext, partner_id in matched.items()}
        )
        for ext, partner_id in matched.items():
            if partner_id in doubts:
                result[ext] = (None, None, doubts[partner_id])
        return result
