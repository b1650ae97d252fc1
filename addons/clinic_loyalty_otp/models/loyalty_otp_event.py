from datetime import timedelta

from odoo import api, fields, models


class ClinicLoyaltyOtpEvent(models.Model):
    """What the per-account limits count: SMS sent and wrong codes entered.

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

    @api.autovacuum
    def _gc_old_events(self):
        """The limits look back 24 hours at most: older events can go."""
        self.env.cr.execute(
            "DELETE FROM clinic_loyalty_otp_event WHERE date < %s",
            [fields.Datetime.now() - timedelta(days=2)],
        )
