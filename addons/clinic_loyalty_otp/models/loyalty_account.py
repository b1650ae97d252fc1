from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .loyalty_otp_event import OTP_LIMITS

OTP_FIELDS = {"otp_phone", "otp_hold_until", "otp_locked", "otp_unlocked_at"}


class ClinicLoyaltyAccount(models.Model):
    """Redemptions with a one-time code: the lock after too many wrong codes,
    and the code consumed with the points. The number codes go to (and the
    hold when it changes) is in ``loyalty_account_code_number.py``."""

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
        """Raise when this client was sent as many codes as allowed this hour."""
        self.ensure_one()
        if self.env["clinic.loyalty.otp.event"].sudo()._otp_limit_reached("account_sms", self):
            raise UserError(
                _(
                    "%(count)s codes were already sent to %(client)s in the last hour: take another "
                    "payment method, or try again later.",
                    client=self.partner_id.name,
                    count=OTP_LIMITS["account_sms"].limit,
                )
            )

    def _otp_lock(self):
        self.ensure_one()
        self.sudo().otp_locked = True
        self.sudo().message_post(
            body=_(
                "Redemptions locked: too many wrong one-time codes within 24 hours. A Loyalty Manager must "
                "unlock the account."
            )
        )

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
        return super()._redeem(points, reason, key, consent=consent, **kwargs)
