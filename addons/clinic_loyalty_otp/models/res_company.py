from odoo import _, fields, models


class ResCompany(models.Model):
    """Redemptions with one-time codes: whether the clinic requires them, and
    the SMS provider that sends them (the programme is not ready without one)."""

    _inherit = "res.company"

    loyalty_otp_required = fields.Boolean(
        string="Redemptions require a one-time code sent by SMS",
        default=True,
        help="Staff may spend a client's points only after the client reads back a 6-digit code "
        "sent to their registered mobile. Off: the back office redeems without a code; the point of "
        "sale always asks for one.",
    )

    def _loyalty_otp_sms_provider(self):
        """``"twilio"`` when the clinic sends through its Twilio account
        (``sms_twilio`` installed and selected), else ``"iap"`` (Odoo credits)."""
        self.ensure_one()
        if "sms_provider" in self._fields and self.sms_provider == "twilio":
            return "twilio"
        return "iap"

    def _loyalty_readiness_issues(self):
        issues = super()._loyalty_readiness_issues()
        company = self.sudo()
        twilio = ("sms_twilio_account_sid", "sms_twilio_auth_token", "sms_twilio_number_ids")
        if company._loyalty_otp_sms_provider() == "twilio" and not all(
            name in company._fields and company[name] for name in twilio
        ):
            issues.append(
                _(
                    "Twilio sends the one-time codes but its account SID, auth token or sending number is "
                    "missing: complete it in Settings → SMS."
                )
            )
        # Odoo's own SMS (IAP) needs credits, which cannot be checked offline.
        return issues
