from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..tools import otp_code, otp_messages
from .loyalty_otp_challenge import LIVE_STATES, RESEND_DELAY
from .loyalty_otp_event import OTP_LIMITS


class ClinicLoyaltyOtpChallenge(models.Model):
    """What the POS and the back-office wizard call: each call re-checks
    who may, then moves the challenge through its states."""

    _inherit = "clinic.loyalty.otp.challenge"

    @api.model
    def otp_request(
        self, partner_id, reward_id, amount_due=None, pos_order_uid=None, origin_ref=None, pos_config_id=None
    ):
        """Create a challenge for spending ``reward_id`` for ``partner_id`` and
        send its code. ``amount_due`` caps the value (POS). Returns the public
        state of the challenge (never the code)."""
        self._check_otp_access()
        self._check_cashier_limits()
        reward = self.env["clinic.loyalty.reward"].sudo().browse(int(reward_id)).exists()
        if not reward or not reward.active or reward.company_id not in self.env.companies:
            raise UserError(_("This reward is not available any more: choose another one."))
        company = reward.company_id
        partner = self._otp_readable_partner(partner_id)
        training = self._otp_training_sale(pos_order_uid, pos_config_id)
        account = self.env["clinic.loyalty.account"].sudo()._account_for(partner, company)
        value = reward.value
        if amount_due is not None:
            if float_compare(float(amount_due), 0.0, precision_rounding=company.currency_id.rounding) <= 0:
                raise UserError(_("Nothing is left to pay on this order."))
            value = min(value, company.currency_id.round(float(amount_due)))
        challenge = self._issue(
            account, reward, value, training=training, pos_order_uid=pos_order_uid, origin_ref=origin_ref
        )
        return challenge._otp_public_data()

    @api.model
    def _issue(
        self, account, reward, value, *, training=False, pos_order_uid=None, origin_ref=None, points=None
    ):
        """The caller's challenge for ``reward`` (or, without one, ``points``)
        on ``account`` (sudo), once the account may redeem it now: programme,
        hold, lock, balance, a number for codes, the hourly SMS limit. Staff
        and portal alike."""
        points = reward.points_cost if points is None else points
        # Locks the account: serialises requests (one live challenge, exact SMS counts).
        balance = account._check_redeemable(points, training=training)
        account._otp_check_open()
        if balance < points:
            raise UserError(
                _(
                    "%(client)s has %(balance)s points: %(reward)s needs %(points)s.",
                    client=account.partner_id.name,
                    balance=balance,
                    reward=reward.name or _("this payment"),
                    points=points,
                )
            )
        account._otp_phone_e164()
        account._otp_check_hourly_sms()
        return self._start(
            account, reward, value, pos_order_uid=pos_order_uid, origin_ref=origin_ref, points=points
        )

    @api.model
    def otp_resend(self, challenge_id):
        challenge = self._otp_get(challenge_id)
        if challenge.state not in ("sent", "send_failed"):
            raise UserError(_("This code can no longer be resent: start again."))
        now = fields.Datetime.now()
        if challenge.last_sent_at and now < challenge.last_sent_at + RESEND_DELAY:
            raise UserError(
                _(
                    "Wait %(seconds)s seconds before sending the code again.",
                    seconds=int((challenge.last_sent_at + RESEND_DELAY - now).total_seconds()) + 1,
                )
            )
        Event = self.env["clinic.loyalty.otp.event"].sudo()
        if Event._otp_limit_reached("code_sms", challenge):
            raise UserError(
                _(
                    "The code was already sent %(count)s times: the client cannot receive it, "
                    "take another payment method.",
                    count=OTP_LIMITS["code_sms"].limit,
                )
            )
        self._check_cashier_limits()
        challenge.account_id._otp_check_open()
        challenge.account_id._otp_check_hourly_sms()
        challenge._send_code()
        return challenge._otp_public_data()

    @api.model
    def otp_status(self, challenge_id):
        return self._otp_get(challenge_id)._otp_public_data()

    @api.model
    def otp_cancel(self, challenge_id):
        challenge = self._otp_get(challenge_id)
        if challenge.state in LIVE_STATES + ("send_failed",):
            challenge.state = "cancelled"
        return challenge._otp_public_data()

    @api.model
    def otp_verify(self, challenge_id, code):
        """Check ``code``. Never raises for a wrong code: it returns the
        result, so the failure counters are committed with the request."""
        challenge = self._otp_get(challenge_id)
        challenge._lock_row()
        if self.env["clinic.loyalty.otp.event"].sudo()._otp_limit_reached("cashier_failures"):
            return challenge._otp_public_data(otp_messages.cashier_failures_refusal(self.env))
        return challenge._otp_public_data(challenge._verify(code))

    # ------------------------------------------------------------------
    # Who may
    # ------------------------------------------------------------------
    @api.model
    def _check_otp_access(self):
        user = self.env.user
        if not any(user.has_group(group) for group in self._otp_staff_groups()):
            raise AccessError(_("Only front-desk and point-of-sale staff can spend loyalty points."))

    @api.model
    def _otp_staff_groups(self):
        """The groups whose members may send and check codes (a sales
        channel adds its own, e.g. the point of sale's users)."""
        return ["clinic_loyalty.group_loyalty_user"]

    @api.model
    def _otp_training_sale(self, sale_ref, channel_id):
        """Whether the sale ``sale_ref`` of sales channel ``channel_id`` is a
        training sale (nothing real is paid): none in the back office; the
        point of sale says so for its training shops."""
        return False

    @api.model
    def _otp_readable_partner(self, partner_id):
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

    @api.model
    def _check_cashier_limits(self):
        """Limits per cashier, across every client: wrong codes entered in
        the last 24 hours and codes sent in the last hour."""
        Event = self.env["clinic.loyalty.otp.event"].sudo()
        if Event._otp_limit_reached("cashier_failures"):
            raise UserError(otp_messages.cashier_failures_refusal(self.env))
        if Event._otp_limit_reached("cashier_sms"):
            raise UserError(
                _(
                    "You requested %(count)s codes in the last hour: take another payment method, or try "
                    "again later.",
                    count=OTP_LIMITS["cashier_sms"].limit,
                )
            )

    @api.model
    def _otp_get(self, challenge_id):
        """The caller's own challenge (a cashier never drives another's)."""
        self._check_otp_access()
        challenge = self.sudo().browse(int(challenge_id)).exists()
        if (
            not challenge
            or challenge.user_id != self.env.user
            or challenge.company_id not in self.env.companies
        ):
            raise AccessError(_("This one-time code request is not yours."))
        return challenge

    def _otp_public_data(self, message=None):
        """What the POS and the wizard may see: never the code or its hash."""
        self.ensure_one()
        now = fields.Datetime.now()
        return {
            "id": self.id,
            "state": self.state,
            "message": message or otp_messages.state_message(self.env, self),
            "phone": otp_code.mask_phone(self.phone),
            "points": self.points,
            "value": self.value,
            "expires_in": max(int((self.expires_at - now).total_seconds()), 0) if self.expires_at else 0,
            "attempts_left": self._otp_attempts_left(),
            "can_resend": self.state in ("sent", "send_failed")
            and not self.env["clinic.loyalty.otp.event"]._otp_limit_reached("code_sms", self),
            "test_mode": self.test_mode,
            "locked": self.account_id.otp_locked,
        }
