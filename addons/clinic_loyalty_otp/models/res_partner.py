from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tools.phone import phone_e164

# The country reads a national number: changing it may change the number.
# The email is where a client is told of a new number: editing it is as
# sensitive as editing the number.
CODE_NUMBER_FIELDS = {"mobile", "phone", "country_id", "email"}
EDIT_MARKERS = {"loyalty_number_edited_at", "loyalty_email_before", "loyalty_number_before"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_number_edited_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="Last time staff other than a Loyalty Manager edited the contact's numbers: an account "
        "created later takes that number held for 24 hours and tells the client.",
    )
    loyalty_email_before = fields.Char(
        readonly=True,
        copy=False,
        help="The contact's email before staff other than a Loyalty Manager first edited its numbers or "
        "email: an account created later tells this address too.",
    )

    loyalty_number_before = fields.Char(
        readonly=True,
        copy=False,
        help="The contact's mobile (else phone) before staff other than a Loyalty Manager first edited "
        "its numbers: an account created later tells this number by SMS.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A contact created by staff other than a Loyalty Manager with a
        number carries a typed number, as if it had been edited."""
        partners = super().create(vals_list)
        if not self._loyalty_staff_edit():
            return partners
        typed = partners.filtered(lambda p: p.mobile or p.phone)
        if typed:
            typed._loyalty_mark_edited({})
        return partners

    def _loyalty_match_doubts(self, numbers):
        """A contact whose numbers staff typed, and whose number for codes
        (mobile, else phone) is not the one the PMS knows, is a look-alike
        until a Loyalty Manager says otherwise: matched alone, its account
        would send the client's codes to the typed number."""
        doubts = super()._loyalty_match_doubts(numbers)
        for partner in self.browse(list(numbers)).sudo().filtered("loyalty_number_edited_at"):
            region = (partner.country_id or self.env.company.country_id).code
            code_number = phone_e164(partner.mobile or partner.phone, region)
            if code_number != numbers[partner.id]:
                doubts[partner.id] = _(
                    "%(contact)s matches, but staff typed a number for codes (%(number)s) that is not the "
                    "PMS's: a Loyalty Manager links them.",
                    contact=partner.display_name,
                    number=code_number or _("none"),
                )
        return doubts

    def _loyalty_staff_edit(self):
        return not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager"))

    def _loyalty_mark_edited(self, emails_before, numbers_before=None):
        """Remember that staff typed these contacts' numbers or email, and
        the email and number each had before the first such edit."""
        numbers_before = numbers_before or {}
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET loyalty_number_edited_at = %s,
                          loyalty_email_before = COALESCE(p.loyalty_email_before, v.email),
                          loyalty_number_before = CASE WHEN p.loyalty_number_edited_at IS NULL
                                                       THEN v.number ELSE p.loyalty_number_before END
                     FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::varchar[]) AS email,
                                  unnest(%s::varchar[]) AS number) v
                    WHERE p.id = v.id""",
                fields.Datetime.now(),
                self.ids,
                [emails_before.get(pid) or None for pid in self.ids],
                [numbers_before.get(pid) or None for pid in self.ids],
            )
        )
        self.invalidate_recordset(
            ["loyalty_number_edited_at", "loyalty_email_before", "loyalty_number_before"]
        )

    def write(self, vals):
        """Editing a client's mobile never redirects their codes: whoever may
        edit contacts (a cashier) could otherwise send them to their own
        phone. The number for codes is fixed on each account; the edit is
        noted there, and remembered on the contact so that an account
        created later holds the number it takes from it."""
        if EDIT_MARKERS & set(vals) and not self.env.su:
            vals = {k: v for k, v in vals.items() if k not in EDIT_MARKERS}
        if not CODE_NUMBER_FIELDS & set(vals):
            return super().write(vals)
        accounts = (
            self.env["clinic.loyalty.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", self.ids)])
        )
        staff_edit = self.ids and self._loyalty_staff_edit()
        emails_before = {partner.id: partner.email for partner in self} if staff_edit else {}
        numbers_before = (
            {partner.id: partner.mobile or partner.phone for partner in self} if staff_edit else {}
        )
        result = super().write(vals)
        if staff_edit:
            self._loyalty_mark_edited(emails_before, numbers_before)
        number_changed = (CODE_NUMBER_FIELDS - {"email"}) & set(vals)
        for account in accounts if number_changed else accounts.browse():
            partner = account.partner_id
            typed = partner.mobile or partner.phone or ""
            country = partner.country_id or account.company_id.country_id
            account.message_post(
                body=_(
                    "The client's number changed to %(new)s (by %(user)s): codes still go to %(number)s. A "
                    "Loyalty Manager sends them elsewhere with “Change mobile for codes”.",
                    new=phone_e164(typed, country.code) or typed or _("none"),
                    user=self.env.user.name,
                    number=account.otp_phone or _("none"),
                )
            )
        return result

    @api.model
    def _loyalty_otp_client(self, partner_id):
        """The client's commercial entity, if the cashier may read the contact
        they chose; a contact they cannot read is answered as if it did not
        exist (no name, no balance, no SMS)."""
        try:
            partner = self.env["res.partner"].browse(int(partner_id or 0)).exists()
        except (TypeError, ValueError):
            partner = self.env["res.partner"]
        if not partner or not partner.has_access("read"):
            raise UserError(_("Choose the client first."))
        return partner.sudo().commercial_partner_id
