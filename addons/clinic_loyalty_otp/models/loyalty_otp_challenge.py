from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from ..tools import otp_code, otp_messages
from .loyalty_otp_event import OTP_LIMITS

CODE_TTL = timedelta(minutes=5)
USE_WINDOW = timedelta(minutes=30)  # a verified code must be spent within this delay
RESEND_DELAY = timedelta(seconds=60)
LIVE_STATES = ("pending", "sent", "verified")


class ClinicLoyaltyOtpChallenge(models.Model):
    """One redemption attempt protected by a one-time code sent by SMS, and
    its states: requested (:meth:`_start`), sent (:meth:`_send_code`),
    verified (:meth:`_verify`), used (:meth:`_consume`).

    The code itself is never stored: only an HMAC bound to the challenge id.
    A challenge is bound to everything the client agreed to (account, phone,
    points, value, the POS order or back-office reference, the cashier);
    :meth:`_consume` refuses to spend it for anything else. What staff call
    is in ``loyalty_otp_challenge_rpc.py``; the limits in ``OTP_LIMITS``.
    """

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
    pos_order_uid = fields.Char(string="POS order", readonly=True, index=True)
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
    pos_order_id = fields.Many2one("pos.order", string="POS order", readonly=True, index="btree_not_null")

    @api.model
    def _start(self, account, reward, value, *, pos_order_uid=None, origin_ref=None, points=None):
        """A new challenge for spending ``reward`` (worth ``value``) from
        ``account`` (row-locked by the caller), replacing any live one, and
        its code sent. Without a reward, ``points`` (an invoice paid with
        points). Sudo: the caller has checked who may."""
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
                "points": reward.points_cost if points is None else points,
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
            then=(self._name, self.id, "_otp_delivered", event.id),
        )

    def _otp_delivered(self, sms, event_id):
        """After the SMS left (its own transaction): sent, or not delivered
        (then the send does not count against any limit)."""
        self.ensure_one()
        if self.state != "pending":  # cancelled or superseded meanwhile
            return
        if sms.state != "error":
            self.state = "sent"
            return
        self.env["clinic.loyalty.otp.event"].browse(event_id).exists().unlink()
        self.write(
            {
                "state": "send_failed",
                "send_error": otp_messages.sms_failure(self.env, sms.failure_type),
                "send_failure_type": sms.failure_type or False,
                "code_hash": False,
                "sms_count": max(self.sms_count - 1, 0),
            }
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
        Event = self.env["clinic.loyalty.otp.event"].sudo()
        self.attempts += 1
        if Event._otp_limit_reached("code_attempts", self):
            self.state = "dead"
        Event.create({"account_id": account.id, "challenge_id": self.id, "kind": "failure", "date": now})
        if Event._otp_limit_reached("account_failures", account):
            account._otp_lock()
            return otp_messages.account_locked_now(self.env)
        if self.state == "dead":
            return None
        return otp_messages.wrong_code(self.env, self._otp_attempts_left())

    def _otp_attempts_left(self):
        return max(OTP_LIMITS["code_attempts"].limit - self.attempts, 0)

    def _consume(self, account, points, *, value=None, pos_order_uid=None, origin_ref=None, partner=None):
        """Spend this verified challenge for exactly what it was verified for.

        Locks the challenge row and marks it used in the caller's transaction
        (so it is used if and only if the redemption commits). Raises
        UserError when anything differs: nothing is consumed then.
        """
        refused = UserError(
            _("This redemption does not match the code the client confirmed: send a new code.")
        )
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
        rounding = challenge.currency_id.rounding
        if (
            challenge.account_id != account
            or challenge.points != points
            or challenge.user_id != account.env.user
            or (partner is not None and challenge.partner_id != partner.commercial_partner_id)
            or (value is not None and float_compare(value, challenge.value, precision_rounding=rounding))
            or (pos_order_uid is not None and challenge.pos_order_uid != pos_order_uid)
            or (origin_ref is not None and challenge.origin_ref != origin_ref)
        ):
            raise refused
        if challenge.phone != account._otp_phone_e164():
            raise refused
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
