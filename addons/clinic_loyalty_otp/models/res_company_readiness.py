"""Readiness of the programme with one-time codes: the codes need an SMS
provider that can send."""
# Readiness is its own idea (res_company.py holds the OTP settings):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, models


class ResCompany(models.Model):
    _inherit = "res.company"

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
