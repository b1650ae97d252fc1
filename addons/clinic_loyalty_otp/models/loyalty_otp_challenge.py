import logging
import secrets
from datetime import timedelta

from werkzeug.urls import url_join

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, consteq, float_compare, format_amount
from odoo.tools.misc import hmac as hmac_tool

from odoo.addons.sms.models.sms_sms import SmsSms

_logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=5)
USE_WINDOW = timedelta(minutes=30)  # a verified code must be spent within this delay
RESEND_DELAY = timedelta(seconds=60)
MAX_ATTEMPTS = 5  # wrong entries that kill one challenge
MAX_SMS_PER_CHALLENGE = 3
MAX_SMS_PER_ACCOUNT_HOUR = 5
MAX_FAILURES_PER_ACCOUNT_DAY = 10  # then the account's redemptions are locked
MAX_SMS_PER_CASHIER_HOUR = 30  # one cashier cannot spray codes across many clients
MAX_FAILURES_PER_CASHIER_DAY = 20  # nor guess codes across many accounts
HMAC_SCOPE = "clinic_loyalty_otp"
LIVE_STATES = ("pending", "sent", "verified")


def _test_mode_pos_refusal():
    return _(
        "The loyalty programme is in Test: points can be spent only on a training point of sale "
        "(a Loyalty Manager marks it). Take another payment method."
    )


def _cashier_failures_refusal():
    return _(
        "Too many wrong codes were entered from your login in the last 24 hours: ask a Loyalty Manager, "
        "and take another payment method meanwhile."
    )


class ClinicLoyaltyOtpChallenge(models.Model):
    """One redemption attempt protected by a one-time code sent by SMS.

    The code itself is never stored: only an HMAC bound to the challenge id.
    A challenge is bound to everything the client agreed to (account, phone,
    points, value, the POS order or back-office reference, the cashier);
    :meth:`_consume` refuses to spend it for anything else.
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
    sms_count = fields.Integer(readonly=True)
    last_sent_at = fields.Datetime(readonly=True)
    send_error = fields.Char(readonly=True)
    verified_at = fields.Datetime(readonly=True)
    used_at = fields.Datetime(readonly=True)
    test_mode = fields.Boolean(readonly=True, help="Programme in Test: nothing is taken from real balances.")
    pos_order_id = fields.Many2one("pos.order", readonly=True, index="btree_not_null")

    # ------------------------------------------------------------------
    # Public API (POS and back-office wizard). Each call re-checks rights.
    # ------------------------------------------------------------------
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
        if company.loyalty_status not in ("test", "on"):
            raise UserError(
                _("%(clinic)s's loyalty programme is off: points cannot be spent.", clinic=company.name)
            )
        partner = self._otp_readable_partner(partner_id)
        if pos_order_uid and company.loyalty_status == "test":
            config = self.env["pos.config"].browse(int(pos_config_id or 0)).exists()
            if not config or not config.has_access("read") or not config.loyalty_training:
                raise UserError(_test_mode_pos_refusal())
        Account = self.env["clinic.loyalty.account"].sudo()
        account = Account._account_for(partner, company)
        value = reward.value
        if amount_due is not None:
            if float_compare(float(amount_due), 0.0, precision_rounding=company.currency_id.rounding) <= 0:
                raise UserError(_("Nothing is left to pay on this order."))
            value = min(value, company.currency_id.round(float(amount_due)))
        challenge = self._otp_issue(
            account, reward, value, pos_order_uid=pos_order_uid, origin_ref=origin_ref
        )
        return challenge._otp_public_data()

    @api.model
    def _otp_issue(self, account, reward, value, *, pos_order_uid=None, origin_ref=None):
        """The caller's challenge for spending ``reward`` (worth ``value``) on
        ``account`` (sudo), its code sent to the account's number: one live
        challenge per account, the account's holds and limits checked."""
        account._lock()  # serialises requests: one live challenge, exact SMS counts
        account._otp_check_open()
        if account.balance < reward.points_cost:
            raise UserError(
                _(
                    "%(client)s has %(balance)s points: %(reward)s needs %(points)s.",
                    client=account.partner_id.name,
                    balance=account.balance,
                    reward=reward.name,
                    points=reward.points_cost,
                )
            )
        phone = account._otp_phone_e164()
        account._otp_check_hourly_sms()
        self.sudo().search([("account_id", "=", account.id), ("state", "in", LIVE_STATES)]).write(
            {"state": "cancelled"}
        )
        company = account.company_id
        challenge = self.sudo().create(
            {
                "company_id": company.id,
                "account_id": account.id,
                "partner_id": account.partner_id.id,
                "phone": phone,
                "points": reward.points_cost,
                "value": value,
                "reward_id": reward.id,
                "pos_order_uid": pos_order_uid or False,
                "origin_ref": origin_ref or False,
                "user_id": self.env.uid,
                "test_mode": company.loyalty_status == "test",
            }
        )
        challenge._send_code()
        return challenge

    @api.model
    def otp_pos_info(self, partner_id):
        """Balance of one client at the current clinic, fetched when the
        cashier chooses "Loyalty points" (balances are not preloaded)."""
        self._check_otp_access()
        company = self.env.company
        partner = self._otp_readable_partner(partner_id)
        account = (
            self.env["clinic.loyalty.account"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1)
        )
        return {
            "balance": account.balance if partner else 0,
            "status": company.loyalty_status,
            "test_mode": company.loyalty_status == "test",
            "locked": account.otp_locked,
        }

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
        if challenge.sms_count >= MAX_SMS_PER_CHALLENGE:
            raise UserError(
                _(
                    "The code was already sent %(count)s times: the client cannot receive it, "
                    "take another payment method.",
                    count=MAX_SMS_PER_CHALLENGE,
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
        return self._otp_get(challenge_id)._otp_check_code(code)

    def _otp_check_code(self, code):
        """Check ``code`` against this challenge (sudo) for its own user:
        the wrong-code counters and locks of :meth:`otp_verify`."""
        challenge = self
        challenge.ensure_one()
        challenge.flush_recordset()
        self.env.cr.execute(
            SQL("SELECT id FROM clinic_loyalty_otp_challenge WHERE id = %s FOR NO KEY UPDATE", challenge.id)
        )
        challenge.invalidate_recordset()
        account = challenge.account_id
        now = fields.Datetime.now()
        if self._cashier_failures_24h() >= MAX_FAILURES_PER_CASHIER_DAY:
            return challenge._otp_public_data(_cashier_failures_refusal())
        if challenge.state in ("sent", "pending") and challenge.expires_at and now > challenge.expires_at:
            challenge.state = "expired"
        if account.otp_locked:
            return challenge._otp_public_data(
                _(
                    "Redemptions are locked for this client after too many wrong codes: a Loyalty "
                    "Manager must unlock the account."
                )
            )
        if challenge.state != "sent":
            return challenge._otp_public_data()
        expected = challenge.code_hash or ""
        given = "".join(str(code or "").split())
        if given.isdigit() and len(given) == 6 and consteq(challenge._hash_code(given), expected):
            challenge.write({"state": "verified", "verified_at": now})
            return challenge._otp_public_data()
        vals = {"attempts": challenge.attempts + 1}
        if vals["attempts"] >= MAX_ATTEMPTS:
            vals["state"] = "dead"
        challenge.write(vals)
        self.env["clinic.loyalty.otp.event"].sudo().create(
            {"account_id": account.id, "challenge_id": challenge.id, "kind": "failure", "date": now}
        )
        if account._otp_failures_24h() >= MAX_FAILURES_PER_ACCOUNT_DAY:
            account._otp_lock()
            return challenge._otp_public_data(
                _(
                    "Too many wrong codes for this client: redemptions are locked until a Loyalty "
                    "Manager unlocks the account."
                )
            )
        if challenge.state == "dead":
            return challenge._otp_public_data()
        return challenge._otp_public_data(
            _(
                "Wrong code: %(left)s attempts left. Ask the client to read it again.",
                left=MAX_ATTEMPTS - challenge.attempts,
            )
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _check_otp_access(self):
        user = self.env.user
        if not (
            user.has_group("clinic_loyalty.group_loyalty_user")
            or user.has_group("point_of_sale.group_pos_user")
        ):
            raise AccessError(_("Only front-desk and point-of-sale staff can spend loyalty points."))

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
    def _cashier_event_count(self, kind, since):
        self.env["clinic.loyalty.otp.event"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FROM clinic_loyalty_otp_event
                WHERE user_id = %s AND kind = %s AND date > %s""",
                self.env.uid,
                kind,
                since,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _cashier_failures_24h(self):
        return self._cashier_event_count("failure", fields.Datetime.now() - timedelta(hours=24))

    @api.model
    def _check_cashier_limits(self):
        """Limits per cashier, across every client: codes sent in the last
        hour and wrong codes entered in the last 24 hours."""
        if self._cashier_failures_24h() >= MAX_FAILURES_PER_CASHIER_DAY:
            raise UserError(_cashier_failures_refusal())
        if (
            self._cashier_event_count("sms", fields.Datetime.now() - timedelta(hours=1))
            >= MAX_SMS_PER_CASHIER_HOUR
        ):
            raise UserError(
                _(
                    "You requested %(count)s codes in the last hour: take another payment method, or try "
                    "again later.",
                    count=MAX_SMS_PER_CASHIER_HOUR,
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

    @api.model
    def _generate_code(self):
        return f"{secrets.randbelow(10**6):06d}"

    def _hash_code(self, code):
        self.ensure_one()
        return hmac_tool(self.env(su=True), HMAC_SCOPE, f"{self.id}:{code}")

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
            }
        )
        body = self.with_context(lang=self.partner_id.lang or self.env.lang)._code_body(code)
        registry, challenge_id, event_id = self.env.registry, self.id, event.id
        number = self.phone

        def _deliver():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                challenge = env["clinic.loyalty.otp.challenge"].browse(challenge_id)
                challenge._deliver(number, body, code, event_id)

        _deliver.clinic_loyalty_otp_sms = True  # lets tests run it where a real commit would
        self.env.cr.postcommit.add(_deliver)

    def _code_body(self, code):
        company = self.company_id
        return _(
            "%(clinic)s: your code to spend %(points)s loyalty points (worth %(value)s) is %(code)s. "
            "It is valid 5 minutes. Give it only to the clinic's staff at the counter.",
            clinic=company.name,
            points=self.points,
            value=format_amount(self.env, self.value, company.currency_id),
            code=code,
        )

    def _deliver(self, number, body, code, event_id):
        """Post-commit: send the SMS through the clinic's provider and record
        whether it went out."""
        self.ensure_one()
        failure = self._sms_send(number, body, secret=code)
        if self.state != "pending":  # cancelled or superseded meanwhile
            return
        if failure:
            self.env["clinic.loyalty.otp.event"].browse(event_id).exists().unlink()
            self.write(
                {
                    "state": "send_failed",
                    "send_error": failure,
                    "code_hash": False,
                    "sms_count": max(self.sms_count - 1, 0),
                }
            )
        else:
            self.state = "sent"

    def _sms_send(self, number, body, secret=None):
        """Send one SMS now through the clinic's provider (Odoo's ``sms``
        provider API: IAP credits or Twilio). The kept ``sms.sms`` (delivery
        tracking) has ``secret`` masked: the code is never written to the
        database, not even for an instant. Returns None when the provider
        accepted it, else a message for the cashier."""
        company = self.company_id
        # The clinic's own provider and credits: the API reads env.company
        # (Twilio account) and env.companies (IAP account).
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        kept_body = body.replace(secret, "••••••") if secret else body
        sms = (
            env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": number,
                    "body": kept_body,
                    "partner_id": self.partner_id.id,
                }
            )
        )
        sms_api = company.with_env(env)._get_sms_api_class()(env)
        sms_api._set_company(company)
        message = {"content": body, "numbers": [{"number": number, "uuid": sms.uuid}]}
        try:
            results = sms_api._send_sms_batch(
                [message], delivery_reports_url=url_join(sms.get_base_url(), "/sms/status")
            )
        except Exception as exc:  # noqa: BLE001 - any provider failure means "not sent"
            _logger.warning("Loyalty code SMS %s could not be sent: %s", sms.id, type(exc).__name__)
            results = [{"uuid": sms.uuid, "state": "server_error"}]
        provider_state = next((r["state"] for r in results if r.get("uuid") == sms.uuid), "server_error")
        if success_state := SmsSms.IAP_TO_SMS_STATE_SUCCESS.get(provider_state):
            sms.write({"state": success_state, "failure_type": False})
            return None
        failure_type = sms_api.PROVIDER_TO_SMS_FAILURE_TYPE.get(provider_state, "unknown")
        sms.write({"state": "error", "failure_type": failure_type})
        return {
            "sms_credit": _(
                "The clinic has no SMS credits left: the code could not be sent. Take "
                "another payment method, and ask an administrator to buy SMS credits."
            ),
            "sms_number_format": _(
                "The client's mobile number cannot receive SMS: take another payment "
                "method and correct the number."
            ),
            "sms_acc": _("The clinic's SMS account is not registered: take another payment method."),
        }.get(
            failure_type,
            _(
                "The SMS provider did not send the code: take another payment method "
                "or try again in a moment."
            ),
        )

    def _otp_public_data(self, message=None):
        """What the POS and the wizard may see: never the code or its hash."""
        self.ensure_one()
        now = fields.Datetime.now()
        messages = {
            "pending": _("Sending the code…"),
            "sent": _("Code sent to %(phone)s: ask the client to read it.", phone=self._masked_phone()),
            "send_failed": self.send_error or _("The code could not be sent."),
            "verified": _("Code verified."),
            "used": _("This code was already used."),
            "expired": _("The code expired: send a new one."),
            "dead": _("Too many wrong codes: this code is cancelled. Send a new one."),
            "cancelled": _("This code was cancelled."),
        }
        return {
            "id": self.id,
            "state": self.state,
            "message": message or messages[self.state],
            "phone": self._masked_phone(),
            "points": self.points,
            "value": self.value,
            "expires_in": max(int((self.expires_at - now).total_seconds()), 0) if self.expires_at else 0,
            "attempts_left": max(MAX_ATTEMPTS - self.attempts, 0),
            "can_resend": self.state in ("sent", "send_failed") and self.sms_count < MAX_SMS_PER_CHALLENGE,
            "test_mode": self.test_mode,
            "locked": self.account_id.otp_locked,
        }

    def _masked_phone(self):
        phone = self.phone or ""
        return phone[:3] + "•" * max(len(phone) - 6, 0) + phone[-3:]

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
        challenge.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT state FROM clinic_loyalty_otp_challenge WHERE id = %s FOR NO KEY UPDATE", challenge.id
            )
        )
        row = self.env.cr.fetchone()
        challenge.invalidate_recordset()
        now = fields.Datetime.now()
        if not row or row[0] != "verified":
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
