from datetime import timedelta

import phonenumbers
from psycopg2.extras import execute_values

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .loyalty_otp_challenge import MAX_SMS_PER_ACCOUNT_HOUR

PHONE_CHANGE_HOLD = timedelta(hours=24)


def normalise_e164(number, region):
    """``number`` read in ``region`` (ISO code) as E.164, or None when it is
    not a valid number."""
    try:
        parsed = phonenumbers.parse(number or "", region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


OTP_FIELDS = {"otp_phone", "otp_hold_until", "otp_locked", "otp_unlocked_at"}


class ClinicLoyaltyAccount(models.Model):
    _inherit = "clinic.loyalty.account"

    otp_phone = fields.Char(
        string="Mobile for codes",
        readonly=True,
        tracking=True,
        help="E.164 number the one-time codes are sent to, taken from the client's mobile (or phone) "
        "when the account is created and fixed from then on. Only a Loyalty Manager sets a first "
        "number or changes it; that holds redemptions for 24 hours.",
    )
    otp_hold_until = fields.Datetime(
        string="Redemptions held until",
        readonly=True,
        help="Set when the mobile for codes changes: no redemption before this time.",
    )
    otp_locked = fields.Boolean(
        string="Redemptions locked",
        readonly=True,
        tracking=True,
        help="Too many wrong codes: a Loyalty Manager must unlock the account.",
    )
    otp_unlocked_at = fields.Datetime(readonly=True, help="Wrong codes before this time no longer count.")

    @api.model_create_multi
    def create(self, vals_list):
        """A number given at creation is a manager's act like any other: it
        goes through “Change mobile for codes” (held, logged, client told)."""
        numbers = []
        if not self.env.su:
            for vals in vals_list:
                numbers.append(vals.pop("otp_phone", False))
                if OTP_FIELDS & set(vals):
                    raise AccessError(_("A loyalty account starts unlocked and without a hold."))
        accounts = super().create(vals_list)
        for account, number in zip(accounts, numbers, strict=False):
            if number:
                account.action_otp_change_phone(number)
        return accounts

    def _loyalty_after_create(self):
        """Fix the number for codes when the account is created: the client's
        mobile (else phone) as it is now. A number staff edited after the
        contact was created is held for 24 hours, logged, and the client's
        email told, as a manager's first number is. Set-based: one read and
        one update for any number of new accounts."""
        res = super()._loyalty_after_create()
        if not self:
            return res
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT a.id, COALESCE(NULLIF(p.mobile, ''), p.phone), COALESCE(pc.code, cc.code),
                          p.loyalty_number_edited_at IS NOT NULL
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
        rows, edited = [], []
        for account_id, number, region, was_edited in self.env.cr.fetchall():
            e164 = normalise_e164(number, region)
            if e164:
                rows.append((account_id, e164, hold_until if was_edited else None))
                if was_edited:
                    edited.append(account_id)
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
            account._otp_tell_client(body)
            account._otp_tell_email_before(body)
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

    def write(self, vals):
        # Only through the logged actions below (change mobile, unlock), never a plain write.
        if OTP_FIELDS & set(vals) and not self.env.su:
            raise AccessError(
                _(
                    "The mobile for codes and the redemption lock change only through "
                    "“Change mobile for codes” and “Unlock redemptions” (Loyalty Managers)."
                )
            )
        return super().write(vals)

    def action_otp_unlock(self):
        """Loyalty Manager: allow redemptions again after a lock."""
        self._check_otp_manager()
        for account in self.sudo():
            account.write({"otp_locked": False, "otp_unlocked_at": fields.Datetime.now()})
            account.message_post(body=_("Redemptions unlocked by %(user)s.", user=self.env.user.name))
        return True

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
        """Email the client (when they have an email) from the account's chatter."""
        for account in self.sudo():
            partner = account.partner_id
            if partner.email:
                account.message_post(body=body, partner_ids=partner.ids, subtype_xmlid="mail.mt_comment")
            else:
                account.message_post(body=body)

    def _otp_tell_email_before(self, body):
        """Also tell the email the contact had before staff edited it: the
        colleague who typed the number may have typed the email too."""
        for account in self.sudo():
            partner = account.partner_id
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
        """Send ``body`` to ``number`` through the clinic's provider once the
        transaction commits (a rolled back change tells nobody)."""
        self.ensure_one()
        registry, partner_id, company_id = self.env.registry, self.partner_id.id, self.company_id.id

        def _notify():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["clinic.loyalty.otp.challenge"].new(
                    {"partner_id": partner_id, "company_id": company_id}
                )._sms_send(number, body)

        _notify.clinic_loyalty_otp_sms = True
        self.env.cr.postcommit.add(_notify)

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

    def _check_otp_manager(self):
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can do this."))

    def _otp_normalise(self, number):
        """``number`` in E.164, read with the client's country (else the
        clinic's). Raises UserError when it is not a valid number."""
        self.ensure_one()
        country = self.partner_id.country_id or self.company_id.country_id
        e164 = normalise_e164(number, country.code)
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

    def _otp_check_open(self):
        """Raise unless this account may spend points now."""
        self.ensure_one()
        if self.otp_locked:
            raise UserError(
                _(
                    "Redemptions are locked for %(client)s after too many wrong codes: a "
                    "Loyalty Manager must unlock the account.",
                    client=self.partner_id.name,
                )
            )
        if self.otp_hold_until and fields.Datetime.now() < self.otp_hold_until:
            raise UserError(
                _(
                    "The mobile for %(client)s's codes changed recently: redemptions are held "
                    "until %(until)s UTC.",
                    client=self.partner_id.name,
                    until=fields.Datetime.to_string(self.otp_hold_until),
                )
            )

    def _otp_check_hourly_sms(self):
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=1)
        count = (
            self.env["clinic.loyalty.otp.event"]
            .sudo()
            .search_count([("account_id", "=", self.id), ("kind", "=", "sms"), ("date", ">", since)])
        )
        if count >= MAX_SMS_PER_ACCOUNT_HOUR:
            raise UserError(
                _(
                    "%(count)s codes were already sent to %(client)s in the last hour: take another "
                    "payment method, or try again later.",
                    client=self.partner_id.name,
                    count=count,
                )
            )

    def _otp_failures_24h(self):
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=24)
        if self.otp_unlocked_at and self.otp_unlocked_at > since:
            since = self.otp_unlocked_at
        self.env["clinic.loyalty.otp.event"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FROM clinic_loyalty_otp_event
                WHERE account_id = %s AND kind = 'failure' AND date > %s""",
                self.id,
                since,
            )
        )
        return self.env.cr.fetchone()[0]

    def _otp_lock(self):
        self.ensure_one()
        self.sudo().otp_locked = True
        self.sudo().message_post(
            body=_(
                "Redemptions locked: too many wrong one-time codes within 24 hours. A Loyalty Manager must "
                "unlock the account."
            )
        )

    def _redeem(self, points, reason, key, *, consent, challenge=None, otp_binding=None, **kwargs):
        """Redemptions need a verified one-time code when the clinic requires
        it, whoever asks (staff at the counter, or a portal login, which a
        colleague with Contact Creation can obtain): ``challenge`` is consumed
        in this transaction, bound to this account, these points and
        ``otp_binding`` (value, pos_order_uid, origin_ref)."""
        self.ensure_one()
        company = self.company_id
        if company.loyalty_otp_required:
            balance = self._lock()[self.id]
            # Requests the core refuses anyway (programme not On, no points,
            # not enough points) get the core's message and consume nothing.
            if company.loyalty_status == "on" and 0 < points <= balance:
                challenge = challenge or self.env["clinic.loyalty.otp.challenge"]
                challenge._consume(self, points, **(otp_binding or {}))
        return super()._redeem(points, reason, key, consent=consent, **kwargs)
