from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

from ..tools import otp_code, otp_messages
from .loyalty_otp_event import OTP_LIMITS

CODE_TTL = timedelta(minutes=5)
USE_WINDOW = timedelta(minutes=30)  # a verified code must be spent within this delay
LIVE_STATES = ("pending", "sent", "verified")


class ClinicLoyaltyOtpChallenge(models.Model):
    """One redemption attempt protected by a one-time code sent by SMS, and
    its states: requested (:meth:`_issue`), sent (:meth:`_send_code`),
    verified (:meth:`_verify`), used (:meth:`_consume`).

    The code itself is never stored: only an HMAC bound to the challenge id.
    A challenge is bound to everything the client agreed to (account, phone,
    points, value, the POS order or back-office reference, the cashier);
    :meth:`_consume` refuses to spend it for anything else. The limits are in
    ``OTP_LIMITS`` (``clinic.loyalty.otp.event``)."""

    _name = "clinic.loyalty.otp.challenge"
    _description = "Loyalty one-time code"
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    account_id = fields.Many2one(
        "clinic.loyalty.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Client", required=True, readonly=True)
    phone = fields.Char(required=True, readonly=True, help="E.164 number the code was sent to.")
    points = fields.Integer(required=True, readonly=True)
    value = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    reward_id = fields.Many2one("clinic.loyalty.reward", readonly=True)
    pos_order_uid = fields.Char(string="Sale reference", readonly=True, index=True)
    origin_ref = fields.Char(string="Back-office reference", readonly=True)
    user_id = fields.Many2one("res.users", string="Cashier", required=True, readonly=True)
    code_hash = fields.Char(readonly=True, groups="base.group_system", copy=False)
    state = fields.Selection(
        [
            ("pending", "Sending"),
            ("sent", "Sent"),
            ("send_failed", "Not delivered"),
            ("verified", "Verified"),
            ("used", "Used"),
            ("expired", "Expired"),
            ("dead", "Too many wrong codes"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    expires_at = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True, help="Wrong codes entered.")
    sms_count = fields.Integer(string="Codes sent", readonly=True)
    last_sent_at = fields.Datetime(readonly=True)
    send_error = fields.Char(readonly=True)
    send_failure_type = fields.Char(readonly=True, help="Why the SMS provider did not send the code.")
    verified_at = fields.Datetime(readonly=True)
    used_at = fields.Datetime(readonly=True)
    test_mode = fields.Boolean(readonly=True, help="Programme in Test: nothing is taken from real balances.")

    @api.model
    def _generate_code(self):
        return otp_code.generate_code()

    def _hash_code(self, code):
        self.ensure_one()
        return otp_code.hash_code(self.env, self.id, code)

    def _send_code(self):
        """Draw a new code, keep only its HMAC, and send it by SMS after the
        transaction commits (a retried transaction never sends twice)."""
        self.ensure_one()
        code = self._generate_code()
        now = fields.Datetime.now()
        event = (
            self.env["clinic.loyalty.otp.event"]
            .sudo()
            .create({"account_id": self.account_id.id, "challenge_id": self.id, "kind": "sms", "date": now})
        )
        self.sudo().write(
            {
                "code_hash": self._hash_code(code),
                "state": "pending",
                "expires_at": now + CODE_TTL,
                "last_sent_at": now,
                "sms_count": self.sms_count + 1,
                "send_error": False,
                "send_failure_type": False,
            }
        )
        lang_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        self.env["sms.sms"]._loyalty_send_after_commit(
            self.company_id,
            self.phone,
            otp_messages.code_body(lang_env, self, code),
            partner=self.partner_id,
            secret=code,
            then=(event._name, event.id, "_otp_delivered"),
        )

    def _verify(self, code):
        """Check ``code`` on this row-locked challenge and count a wrong one.
        Returns a message for the cashier, or None when there is nothing
        more to say than the challenge's state."""
        self.ensure_one()
        account = self.account_id
        now = fields.Datetime.now()
        if self.state in ("sent", "pending") and self.expires_at and now > self.expires_at:
            self.state = "expired"
        if account.otp_locked:
            return otp_messages.account_locked(self.env)
        if self.state != "sent":
            return None
        if otp_code.check_code(self.env, self.id, code, self.code_hash):
            self.write({"state": "verified", "verified_at": now})
            return None
        return self.env["clinic.loyalty.otp.event"].sudo()._otp_wrong_code(self)

    def _verify_for_caller(self, code):
        """:meth:`_verify` under the challenge's row lock, unless the caller
        (cashier or portal user) entered too many wrong codes today: then the
        code is not even checked. Returns (message, refused)."""
        self._lock_row()
        if self.env["clinic.loyalty.otp.event"].sudo()._otp_limit_reached("cashier_failures"):
            return otp_messages.cashier_failures_refusal(self.env), True
        return self._verify(code), False

    def _otp_attempts_left(self):
        return max(OTP_LIMITS["code_attempts"].limit - self.attempts, 0)

    def _consume(self, account, points, **binding):
        """Spend this verified challenge for exactly what it was verified for.
        ``binding``: value, pos_order_uid, origin_ref, partner (see
        :func:`otp_code.binds`). Locks the challenge row and marks it used in
        the caller's transaction (so it is used if and only if the redemption
        commits). Raises UserError when anything differs: nothing is consumed."""
        if not self:
            raise UserError(_("Spending points requires the one-time code the client received by SMS."))
        self.ensure_one()
        challenge = self.sudo()
        state = challenge._lock_row()
        now = fields.Datetime.now()
        if state != "verified":
            raise UserError(_("This one-time code is not verified or was already used: send a new code."))
        if not challenge.verified_at or now > challenge.verified_at + USE_WINDOW:
            raise UserError(_("The verified code is too old: send a new code."))
        if not otp_code.binds(challenge, account, points, account.env.user, **binding):
            raise UserError(
                _("This redemption does not match the code the client confirmed: send a new code.")
            )
        account._otp_check_open()
        self.env.cr.execute(
            SQL(
                """UPDATE clinic_loyalty_otp_challenge SET state = 'used', used_at = %s
                WHERE id = %s AND state = 'verified' RETURNING id""",
                now,
                challenge.id,
            )
        )
        if not self.env.cr.fetchone():
            raise UserError(_("This one-time code was already used: send a new code."))
        challenge.invalidate_recordset(["state", "used_at"])
        return challenge

    def _lock_row(self):
        """Row-lock this challenge (a second terminal waits for the first
        one's outcome) and return its state read under the lock."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL("SELECT state FROM clinic_loyalty_otp_challenge WHERE id = %s FOR NO KEY UPDATE", self.id)
        )
        row = self.env.cr.fetchone()
        self.invalidate_recordset()
        return row and row[0]

    # ------------------------------------------------------------------
    # What staff call (the POS, the back-office wizards)
    # ------------------------------------------------------------------
    @api.model
    def otp_request(
        self, partner_id, reward_id, amount_due=None, pos_order_uid=None, origin_ref=None, pos_config_id=None
    ):
        """Create a challenge for spending ``reward_id`` for ``partner_id`` and
        send its code. ``amount_due`` caps the value (POS). Returns the public
        state of the challenge (never the code)."""
        self.env.user._loyalty_check_otp_staff()
        self.env["clinic.loyalty.otp.event"]._check_cashier_limits()
        reward = self.env["clinic.loyalty.reward"].sudo().browse(int(reward_id)).exists()
        if not reward or not reward.active or reward.company_id not in self.env.companies:
            raise UserError(_("This reward is not available any more: choose another one."))
        company = reward.company_id
        partner = self.env["res.partner"]._loyalty_otp_client(partner_id)
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
        """The caller's challenge for spending ``reward`` (worth ``value``;
        without a reward, ``points``: an invoice paid with points) from
        ``account`` (sudo), once the account may redeem it now (programme,
        hold, lock, balance, number, hourly SMS limit), replacing any live
        one, and its code sent. Staff and portal alike."""
        points = reward.points_cost if points is None else points
        account._otp_check_can_issue(points, reward, training=training)
        Challenge = self.sudo()
        Challenge.search([("account_id", "=", account.id), ("state", "in", LIVE_STATES)]).write(
            {"state": "cancelled"}
        )
        challenge = Challenge.create(
            {
                "company_id": account.company_id.id,
                "account_id": account.id,
                "partner_id": account.partner_id.id,
                "phone": account._otp_phone_e164(),
                "points": points,
                "value": value,
                "reward_id": reward.id or False,
                "pos_order_uid": pos_order_uid or False,
                "origin_ref": origin_ref or False,
                "user_id": self.env.uid,
                "test_mode": account.company_id.loyalty_status == "test",
            }
        )
        challenge._send_code()
        return challenge

    @api.model
    def otp_resend(self, challenge_id):
        challenge = self._otp_get(challenge_id)
        if challenge.state not in ("sent", "send_failed"):
            raise UserError(_("This code can no longer be resent: start again."))
        self.env["clinic.loyalty.otp.event"]._check_resend(challenge)
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
        return challenge._otp_public_data(challenge._verify_for_caller(code)[0])

    @api.model
    def _otp_training_sale(self, sale_ref, channel_id):
        """Whether sale ``sale_ref`` of channel ``channel_id`` is a training sale (see the POS)."""
        return False

    @api.model
    def _otp_get(self, challenge_id):
        """The caller's own challenge (a cashier never drives another's)."""
        self.env.user._loyalty_check_otp_staff()
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
        can_resend = self.state in ("sent", "send_failed") and not self.env[
            "clinic.loyalty.otp.event"
        ]._otp_limit_reached("code_sms", self)
        return otp_messages.public_data(self.env, self, message, can_resend)
