from datetime import timedelta

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.clinic_loyalty.tools.phone import phone_e164

from ..tools import otp_notices, otp_numbers
from .loyalty_otp_event import OTP_LIMITS

OTP_FIELDS = {"otp_phone", "otp_hold_until", "otp_locked", "otp_unlocked_at"}
PHONE_CHANGE_HOLD = timedelta(hours=24)


class ClinicLoyaltyAccount(models.Model):
    """Redemptions with a one-time code: the lock after too many wrong codes,
    and the code consumed with the points. And the number codes go to, with
    the hold when it changes."""

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

    def write(self, vals):
        # Only through the logged actions (change mobile, unlock), never a plain write.
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

    def _check_otp_manager(self):
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can do this."))
        # Record rules before sudo: a manager of one clinic never acts on
        # another clinic's accounts.
        self.check_access("write")

    def _otp_check_open(self):
        """Raise unless this account may spend points now."""
        self.ensure_one()
        if self.otp_locked:
            raise UserError(otp_notices.locked(self.env, self.partner_id.name))
        if self.otp_hold_until and fields.Datetime.now() < self.otp_hold_until:
            raise UserError(
                otp_notices.held(
                    self.env, self.partner_id.name, fields.Datetime.to_string(self.otp_hold_until)
                )
            )

    def _otp_check_hourly_sms(self):
        """Raise when this client was sent as many codes as allowed this hour."""
        self.ensure_one()
        if self.env["clinic.loyalty.otp.event"].sudo()._otp_limit_reached("account_sms", self):
            raise UserError(
                otp_notices.hourly(self.env, self.partner_id.name, OTP_LIMITS["account_sms"].limit)
            )

    def _otp_check_can_issue(self, points, reward, training=False):
        """Raise unless a code may be sent now to spend ``points`` (for
        ``reward``, if any) from this account (sudo): programme, hold, lock,
        balance, a number for codes, the hourly SMS limit. Locks the account:
        requests are serialised (one live challenge, exact SMS counts)."""
        self.ensure_one()
        balance = self._check_redeemable(points, training=training)
        self._otp_check_open()
        if balance < points:
            raise UserError(otp_notices.short(self.env, self.partner_id.name, balance, reward.name, points))
        self._otp_phone_e164()
        self._otp_check_hourly_sms()

    def _otp_lock(self):
        self.ensure_one()
        self.sudo().otp_locked = True
        self.sudo().message_post(body=otp_notices.locked_note(self.env))

    def _redeem(
        self, points, reason, key, *, consent, challenge=None, otp_binding=None, training=False, **kwargs
    ):
        """Redemptions need a verified one-time code: always at the point of
        sale (which passes its ``challenge``); in the back office and on the
        portal when the clinic requires it (a portal login is no proof of the
        client: a colleague with Contact Creation can obtain one).
        ``challenge`` is consumed in this transaction, bound to this account,
        these points and ``otp_binding`` (value, pos_order_uid, origin_ref,
        partner). A code sent while the programme was in Test pays a
        ``training`` sale only, and takes nothing from the balance. Refused
        before anything is consumed when the core refuses
        (:meth:`_check_redeemable`)."""
        self.ensure_one()
        if challenge is None and not self.company_id.loyalty_otp_required:
            return super()._redeem(points, reason, key, consent=consent, **kwargs)
        challenge = challenge or self.env["clinic.loyalty.otp.challenge"]
        if not challenge:
            raise UserError(_("Spending points requires the one-time code the client received by SMS."))
        balance = self._check_redeemable(points, training=training)
        if points > balance and not challenge.test_mode:
            # the ledger refuses it with its own message, before any code is consumed
            return super()._redeem(points, reason, key, consent=consent, **kwargs)
        if challenge.test_mode != (self.company_id.loyalty_status == "test"):
            raise UserError(
                _("The loyalty programme's status changed since the code was sent: send a new code.")
            )
        challenge._consume(self, points, **(otp_binding or {}))
        if challenge.test_mode:
            return False  # a Test trial: nothing is taken from real balances
        return super()._redeem(points, reason, key, consent=consent, balance=balance, **kwargs)

    # ------------------------------------------------------------------
    # The number codes go to: fixed when the account is created, changed
    # only by a Loyalty Manager; every change holds redemptions for 24 hours
    # and tells the client.
    # ------------------------------------------------------------------
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
        self.env.cr.execute(otp_numbers.contacts_sql(self.ids))
        hold_until = fields.Datetime.now() + PHONE_CHANGE_HOLD
        rows, edited, untold, sms_before = otp_numbers.first_numbers(self.env.cr.fetchall(), hold_until)
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
            body = otp_notices.staff_number(
                self.env, account.company_id.name, account.otp_phone, fields.Datetime.to_string(hold_until)
            )
            if account.id in sms_before:
                account._otp_sms_after_commit(sms_before[account.id], body)
            account._otp_tell_client(body)
        for account_id, typed in untold:
            self.sudo().browse(account_id).message_post(body=otp_notices.untold(self.env, typed))
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
                    otp_notices.owner_changed(self.env, account.company_id.name),
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
            body=otp_notices.number_changed_note(
                self.env, old_e164, new_e164, self.env.user.name, fields.Datetime.to_string(hold_until)
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
        return otp_notices.number_changed(self.env, self.company_id.name)

    def _otp_normalise(self, number):
        """``number`` in E.164, read with the client's country (else the
        clinic's). Raises UserError when it is not a valid number."""
        self.ensure_one()
        country = self.partner_id.country_id or self.company_id.country_id
        e164 = phone_e164(number, country.code)
        if not e164:
            raise UserError(otp_notices.invalid_number(self.env, number, self.partner_id.name))
        return e164

    def _otp_phone_e164(self):
        """The number codes go to: fixed on the account, never the contact's
        current mobile (whoever may edit contacts could redirect codes)."""
        self.ensure_one()
        if not self.otp_phone:
            raise UserError(otp_notices.no_number(self.env, self.partner_id.name))
        return self._otp_normalise(self.otp_phone)

    def _otp_phone_or_none(self):
        try:
            return self._otp_phone_e164()
        except UserError:
            return False
