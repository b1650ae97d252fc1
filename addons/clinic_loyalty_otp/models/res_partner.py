from odoo import _, fields, models
from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tools.phone import phone_e164

# The country reads a national number: changing it may change the number.
CODE_NUMBER_FIELDS = {"mobile", "phone", "country_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_number_edited_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="Last time staff other than a Loyalty Manager edited the contact's numbers: an account "
        "created later takes that number held for 24 hours and tells the client.",
    )

    def write(self, vals):
        """Editing a client's mobile never redirects their codes: whoever may
        edit contacts (a cashier) could otherwise send them to their own
        phone. The number for codes is fixed on each account; the edit is
        noted there, and remembered on the contact so that an account
        created later holds the number it takes from it."""
        if "loyalty_number_edited_at" in vals and not self.env.su:
            vals = {k: v for k, v in vals.items() if k != "loyalty_number_edited_at"}
        if not CODE_NUMBER_FIELDS & set(vals):
            return super().write(vals)
        accounts = (
            self.env["clinic.loyalty.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", self.ids)])
        )
        result = super().write(vals)
        if self.ids and not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET loyalty_number_edited_at = %s WHERE id IN %s",
                    fields.Datetime.now(),
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["loyalty_number_edited_at"])
        for account in accounts:
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
