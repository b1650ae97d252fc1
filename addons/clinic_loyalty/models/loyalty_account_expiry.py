from odoo import _, fields, models
from odoo.tools import SQL, format_date


# pylint: disable=consider-merging-classes-inherited
# What expires when, in its own file (one idea per file).
class ClinicLoyaltyAccount(models.Model):
    _inherit = "clinic.loyalty.account"

    lot_ids = fields.One2many("clinic.loyalty.lot", "account_id", string="Lots")
    expiry_summary = fields.Char(
        string="Next expiry",
        compute="_compute_expiry_summary",
        help="The points that expire next and when (the clinic's expiry rule when they were earned).",
    )

    def _compute_expiry_summary(self):
        for account in self:
            account.expiry_summary = account._loyalty_expiry_text()

    def _loyalty_expiry_schedule(self, until=None, limit=3):
        """[(date, points)] of this account's live points that expire, the
        first ``limit`` dates (all when None), up to ``until`` if given."""
        self.ensure_one()
        if not self.id:
            return []
        self.env["clinic.loyalty.lot"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT expiry_date, SUM(remaining) FROM clinic_loyalty_lot
                    WHERE account_id = %(account)s AND remaining > 0 AND expiry_date IS NOT NULL
                      AND (%(until)s::date IS NULL OR expiry_date <= %(until)s::date)
                    GROUP BY expiry_date ORDER BY expiry_date LIMIT %(limit)s""",
                account=self.id,
                until=until,
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    def _loyalty_expiry_text(self, limit=3):
        """ "30 points expire on 01/31/2027; 12 points expire on ...", or empty."""
        self.ensure_one()
        return "; ".join(
            _("%(points)s points expire on %(date)s", points=points, date=format_date(self.env, date))
            for date, points in self._loyalty_expiry_schedule(limit=limit)
        )

    def _check_lot_drift(self):
        """Accounts whose live lots do not hold exactly their positive
        balance: [(account id, balance, points in live lots)]. Empty when
        the lots and the ledger agree."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT a.id, a.balance, COALESCE(l.total, 0)
              FROM clinic_loyalty_account a
              LEFT JOIN (SELECT account_id, SUM(remaining) AS total FROM clinic_loyalty_lot
                          WHERE remaining > 0 GROUP BY account_id) l ON l.account_id = a.id
             WHERE GREATEST(a.balance, 0) <> COALESCE(l.total, 0)
        """)
        return self.env.cr.fetchall()
