from collections import namedtuple
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import otp_messages

RESEND_DELAY = timedelta(seconds=60)  # between two sends of one code
OtpLimit = namedtuple("OtpLimit", ["kind", "per", "limit", "window"])
# Every limit on one-time codes, as ``odoo:auth_totp_mail_enforce`` keeps its
# rate limits: events of ``kind`` counted per code (the challenge's own
# counters), per client account or per cashier, within ``window``. Checked by
# ``clinic.loyalty.otp.event._otp_limit_reached`` only.
OTP_LIMITS = {
    "code_attempts": OtpLimit("failure", "challenge", 5, None),  # wrong entries that kill one code
    "code_sms": OtpLimit("sms", "challenge", 3, None),  # sends of one code
    "account_sms": OtpLimit("sms", "account", 5, timedelta(hours=1)),
    # then the account's redemptions are locked; counted since the last unlock
    "account_failures": OtpLimit("failure", "account", 10, timedelta(hours=24)),
    "cashier_sms": OtpLimit("sms", "cashier", 30, timedelta(hours=1)),  # no spraying codes across clients
    "cashier_failures": OtpLimit(
        "failure", "cashier", 20, timedelta(hours=24)
    ),  # nor guessing across accounts
}


class ClinicLoyaltyOtpEvent(models.Model):
    """What the per-account and per-cashier limits count: SMS sent and wrong
    codes entered.

    One row per event, kept apart from the challenges so that requesting a new
    code (a new challenge) never resets the account's counters.
    """

    _name = "clinic.loyalty.otp.event"
    _description = "Loyalty one-time code event"
    _order = "date desc, id desc"

    account_id = fields.Many2one(
        "clinic.loyalty.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    challenge_id = fields.Many2one("clinic.loyalty.otp.challenge", readonly=True, ondelete="set null")
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Cashier", readonly=True, index=True, default=lambda self: self.env.uid
    )
    kind = fields.Selection([("sms", "Code sent"), ("failure", "Wrong code")], required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS clinic_loyalty_otp_event_account_kind_date_idx
                ON clinic_loyalty_otp_event (account_id, kind, date);
            CREATE INDEX IF NOT EXISTS clinic_loyalty_otp_event_user_kind_date_idx
                ON clinic_loyalty_otp_event (user_id, kind, date)
        """)

    @api.model
    def _otp_limit_reached(self, name, record=None):
        """Whether the limit ``name`` of ``OTP_LIMITS`` is reached: for the
        challenge or the account ``record``, or for the current user (a
        cashier limit)."""
        limit = OTP_LIMITS[name]
        if limit.per == "challenge":
            count = record.attempts if limit.kind == "failure" else record.sms_count
            return count >= limit.limit
        since = fields.Datetime.now() - limit.window
        if limit.per == "account":
            if limit.kind == "failure" and record.otp_unlocked_at and record.otp_unlocked_at > since:
                since = record.otp_unlocked_at
            who = SQL("account_id = %s", record.id)
        else:
            who = SQL("user_id = %s", self.env.uid)
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM clinic_loyalty_otp_event WHERE %s AND kind = %s AND date > %s",
                who,
                limit.kind,
                since,
            )
        )
        return self.env.cr.fetchone()[0] >= limit.limit

    @api.autovacuum
    def _gc_old_events(self):
        """The limits look back 24 hours at most: older events can go."""
        self.env.cr.execute(
            "DELETE FROM clinic_loyalty_otp_event WHERE date < %s",
            [fields.Datetime.now() - timedelta(days=2)],
        )

    @api.model
    def _check_cashier_limits(self):
        """Limits per cashier, across every client: wrong codes entered in
        the last 24 hours and codes sent in the last hour."""
        Event = self.sudo()
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
    def _check_resend(self, challenge):
        """Raise unless ``challenge``'s code may be sent again now: a minute
        after the last send, at most ``code_sms`` times, within the cashier's
        and the account's limits, the account open."""
        now = fields.Datetime.now()
        if challenge.last_sent_at and now < challenge.last_sent_at + RESEND_DELAY:
            raise UserError(
                _(
                    "Wait %(seconds)s seconds before sending the code again.",
                    seconds=int((challenge.last_sent_at + RESEND_DELAY - now).total_seconds()) + 1,
                )
            )
        if self.sudo()._otp_limit_reached("code_sms", challenge):
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

    @api.model
    def _otp_wrong_code(self, challenge):
        """Count a wrong code entered for ``challenge``: the code dies after
        ``code_attempts``, the account locks after ``account_failures``.
        Returns what the cashier is told (None: the state says it)."""
        account = challenge.account_id
        challenge.attempts += 1
        if self._otp_limit_reached("code_attempts", challenge):
            challenge.state = "dead"
        self.create({"account_id": account.id, "challenge_id": challenge.id, "kind": "failure"})
        if self._otp_limit_reached("account_failures", account):
            account._otp_lock()
            return otp_messages.account_locked_now(self.env)
        if challenge.state == "dead":
            return None
        return otp_messages.wrong_code(self.env, challenge._otp_attempts_left())

    def _otp_delivered(self, sms):
        """After the SMS of this send left (its own transaction): the code is
        sent, or not delivered (then this send does not count against any
        limit, and the challenge says why)."""
        self.ensure_one()
        challenge = self.challenge_id
        if challenge.state != "pending":  # cancelled or superseded meanwhile
            return
        if sms.state != "error":
            challenge.state = "sent"
            return
        challenge.write(
            {
                "state": "send_failed",
                "send_error": otp_messages.sms_failure(self.env, sms.failure_type),
                "send_failure_type": sms.failure_type or False,
                "code_hash": False,
                "sms_count": max(challenge.sms_count - 1, 0),
            }
        )
        self.unlink()
