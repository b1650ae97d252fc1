from datetime import timedelta

import phonenumbers

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

PHONE_CHANGE_HOLD = timedelta(hours=24)
OTP_FIELDS = {"otp_phone", "otp_hold_until", "otp_locked", "otp_unlocked_at"}


class ClinicLoyaltyAccount(models.Model):
    _inherit = "clinic.loyalty.account"

    otp_phone = fields.Char(
        string="Mobile for codes",
        readonly=True,
        tracking=True,
        help="E.164 number the one-time codes are sent to. Empty: the client's mobile (or phone). "
        "Only a Loyalty Manager may change it; a change holds redemptions for 24 hours.",
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
        if old_e164:
            body = account.with_context(lang=account.partner_id.lang or self.env.lang)._otp_change_body()
            registry, partner_id, company_id = self.env.registry, account.partner_id.id, account.company_id.id

            def _notify_old_number():
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["clinic.loyalty.otp.challenge"].new(
                        {
                            "partner_id": partner_id,
                            "company_id": company_id,
                        }
                    )._sms_send(old_e164, body)

            _notify_old_number.clinic_loyalty_otp_sms = True
            self.env.cr.postcommit.add(_notify_old_number)
        return True

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
        try:
            parsed = phonenumbers.parse(number or "", country.code or None)
        except phonenumbers.NumberParseException:
            parsed = None
        if not parsed or not phonenumbers.is_valid_number(parsed):
            raise UserError(
                _(
                    "%(number)s is not a valid mobile number for %(client)s: correct the client's mobile "
                    "(with the country code if it is abroad) before sending a code.",
                    number=number or _("(no number)"),
                    client=self.partner_id.name,
                )
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def _otp_phone_e164(self):
        """The number codes go to: the manager-set one, else the client's
        mobile (falling back to phone), normalised."""
        self.ensure_one()
        partner = self.partner_id
        return self._otp_normalise(self.otp_phone or partner.mobile or partner.phone)

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
        if count >= 5:
            raise UserError(
                _(
                    "Five codes were already sent to %(client)s in the last hour: take another "
                    "payment method, or try again later.",
                    client=self.partner_id.name,
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
        """Staff redemptions need a verified one-time code when the clinic
        requires it: ``challenge`` is consumed in this transaction, bound to
        this account, these points and ``otp_binding`` (value, pos_order_uid,
        origin_ref)."""
        self.ensure_one()
        company = self.company_id
        if consent == "staff" and company.loyalty_otp_required:
            balance = self._lock()[self.id]
            # Requests the core refuses anyway (programme not On, no points,
            # not enough points) get the core's message and consume nothing.
            if company.loyalty_status == "on" and 0 < points <= balance:
                challenge = challenge or self.env["clinic.loyalty.otp.challenge"]
                challenge._consume(self, points, **(otp_binding or {}))
        return super()._redeem(points, reason, key, consent=consent, **kwargs)
