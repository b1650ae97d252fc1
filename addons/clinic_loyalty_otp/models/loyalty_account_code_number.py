# One idea per file: the account's number for codes apart from its lock (loyalty_account.py).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from psycopg2.extras import execute_values

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tools.phone import phone_e164

PHONE_CHANGE_HOLD = timedelta(hours=24)


class ClinicLoyaltyAccount(models.Model):
    """The number codes go to: fixed when the account is created, changed
    only by a Loyalty Manager, and every change holds redemptions for 24
    hours and tells the client."""

    _inherit = "clinic.loyalty.account"

    def _loyalty_after_create(self):
        """Fix the number for codes when the account is created: the client's
        mobile (else phone) as it is now. A number staff edited after the
        contact was created is held for 24 hours, logged, and told to the
        client: by SMS on the number the contact had before, and by email.
        When nobody can be told (no number before, no email), the typed
        number is not used at all: a Loyalty Manager confirms one with
        “Change mobile for codes”. Set-based: one read and one update for
        any number of new accounts."""
        res = super()._loyalty_after_create()
        if not self:
            return res
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT a.id, COALESCE(NULLIF(p.mobile, ''), p.phone), COALESCE(pc.code, cc.code),
                          p.loyalty_number_edited_at IS NOT NULL, p.loyalty_number_before,
                          COALESCE(NULLIF(p.email, ''), NULLIF(p.loyalty_email_before, '')) IS NOT NULL
                     FROM clinic_loyalty_account a
                     JOIN res_partner p ON p.id = a.partner_id
                     JOIN res_company c ON c.id = a.company_id
                     JOIN res_partner cp ON cp.id = c.partner_id
                LEFT JOIN res_country pc ON pc.id = p.country_id
                LEFT JOIN res_country cc ON cc.id = cp.country_id
                    WHERE a.id IN %s AND a.otp_phone IS NULL""",
                tuple(self.ids),
            )
        )
        hold_until = fields.Datetime.now() + PHONE_CHANGE_HOLD
        rows, edited, untold, sms_before = [], [], [], {}
        for account_id, number, region, was_edited, number_before, has_email in self.env.cr.fetchall():
            e164 = phone_e164(number, region)
            if not e164:
                continue
            before = phone_e164(number_before, region) if was_edited and number_before else False
            if was_edited and not has_email and (not before or before == e164):
                untold.append((account_id, e164))  # nobody to tell: not used for codes
                continue
            rows.append((account_id, e164, hold_until if was_edited else None))
            if was_edited:
                edited.append(account_id)
                if before and before != e164:
                    sms_before[account_id] = before
        if rows:
            execute_values(
                self.env.cr._obj,
                """UPDATE clinic_loyalty_account a SET otp_phone = v.phone, otp_hold_until = v.hold
                     FROM (VALUES %s) AS v(id, phone, hold) WHERE a.id = v.id""",
                rows,
                template="(%s, %s, %s::timestamp)",
                page_size=1000,
            )
            self.invalidate_recordset(["otp_phone", "otp_hold_until"])
        for account in self.sudo().browse(edited):
            body = _(
                "%(clinic)s: your loyalty codes will be sent to %(number)s, a number the clinic's staff "
                "entered. Redemptions are held until %(until)s UTC. If this is not your number, contact "
                "the clinic.",
                clinic=account.company_id.name,
                number=account.otp_phone,
                until=fields.Datetime.to_string(hold_until),
            )
            if account.id in sms_before:
                account._otp_sms_after_commit(sms_before[account.id], body)
            account._otp_tell_client(body)
        for account_id, typed in untold:
            self.sudo().browse(account_id).message_post(
                body=_(
                    "Staff entered %(number)s as the client's number, and the client has no other number or "
                    "email to be told on: codes are not sent to it until a Loyalty Manager confirms a number "
                    "with “Change mobile for codes”.",
                    number=typed,
                )
            )
        return res

    def _loyalty_owner_changed(self, body):
        """A change of owner is treated as a change of number: held 24 h and
        the number for codes told by SMS."""
        res = super()._loyalty_owner_changed(body)
        hold_until = fields.Datetime.now() + PHONE_CHANGE_HOLD
        for account in self.sudo():
            account.write({"otp_hold_until": hold_until})
            if account.otp_phone:
                account._otp_sms_after_commit(
                    account.otp_phone,
                    _(
                        "%(clinic)s: who your loyalty account belongs to was changed; redemptions are held "
                        "24 hours. If you did not ask for this, contact the clinic.",
                        clinic=account.company_id.name,
                    ),
                )
        return res

    def action_otp_change_phone(self, new_phone):
        """Loyalty Manager: send future codes to ``new_phone``. Logged, holds
        redemptions for 24 h, and the previous number is told by SMS."""
        self.ensure_one()
        self._check_otp_manager()
        account = self.sudo()
        new_e164 = account._otp_normalise(new_phone)
        old_e164 = account._otp_phone_or_none()
        if new_e164 == old_e164:
            return True
        hold_until = account._otp_set_phone_held(new_e164)
        account.message_post(
            body=_(
                "Mobile for codes changed from %(old)s to %(new)s by %(user)s: redemptions are held until "
                "%(until)s UTC.",
                old=old_e164 or _("none"),
                new=new_e164,
                user=self.env.user.name,
                until=fields.Datetime.to_string(hold_until),
            )
        )
        body = account.with_context(lang=account.partner_id.lang or self.env.lang)._otp_change_body()
        if old_e164:
            account._otp_sms_after_commit(old_e164, body)
        else:
            account._otp_tell_client(body)
        return True

    def _otp_tell_client(self, body):
        """Email the client (when they have an email) from the account's
        chatter, and the email the contact had before staff edited it: the
        colleague who typed a number may have typed the email too."""
        for account in self.sudo():
            partner = account.partner_id
            if partner.email:
                account.message_post(body=body, partner_ids=partner.ids, subtype_xmlid="mail.mt_comment")
            else:
                account.message_post(body=body)
            before = partner.loyalty_email_before
            if before and before != partner.email:
                self.env["mail.mail"].sudo().create(
                    {
                        "email_to": before,
                        "email_from": account.company_id.email_formatted,
                        "subject": _("%(clinic)s: your loyalty codes", clinic=account.company_id.name),
                        "body_html": body,
                        "model": account._name,
                        "res_id": account.id,
                    }
                )

    def _otp_sms_after_commit(self, number, body):
        """Tell ``number`` by SMS, through the clinic's provider, once the
        transaction commits (a rolled back change tells nobody)."""
        self.ensure_one()
        self.env["sms.sms"]._loyalty_send_after_commit(self.company_id, number, body, partner=self.partner_id)

    def _otp_set_phone_held(self, e164):
        """Send future codes to ``e164``, holding redemptions for 24 hours
        (sudo: callers have checked who may). Returns the end of the hold."""
        hold_until = fields.Datetime.now() + PHONE_CHANGE_HOLD
        self.sudo().write({"otp_phone": e164, "otp_hold_until": hold_until})
        return hold_until

    def _otp_change_body(self):
        return _(
            "%(clinic)s: the mobile number used for your loyalty codes was changed. If you did not "
            "ask for this, contact the clinic.",
            clinic=self.company_id.name,
        )

    def _otp_normalise(self, number):
        """``number`` in E.164, read with the client's country (else the
        clinic's). Raises UserError when it is not a valid number."""
        self.ensure_one()
        country = self.partner_id.country_id or self.company_id.country_id
        e164 = phone_e164(number, country.code)
        if not e164:
            raise UserError(
                _(
                    "%(number)s is not a valid mobile number for %(client)s: correct the client's mobile "
                    "(with the country code if it is abroad) before sending a code.",
                    number=number or _("(no number)"),
                    client=self.partner_id.name,
                )
            )
        return e164

    def _otp_phone_e164(self):
        """The number codes go to: fixed on the account, never the contact's
        current mobile (whoever may edit contacts could redirect codes)."""
        self.ensure_one()
        if not self.otp_phone:
            raise UserError(
                _(
                    "%(client)s has no mobile registered for loyalty codes: a Loyalty Manager sets it with "
                    "“Change mobile for codes” (redemptions are then held 24 hours).",
                    client=self.partner_id.name,
                )
            )
        return self._otp_normalise(self.otp_phone)

    def _otp_phone_or_none(self):
        try:
            return self._otp_phone_e164()
        except UserError:
            return False
