"""Negative balances are not netted: a client whose credit note left them
below zero owes points, which is no reduction of the liability owed to the
others. The daily entry keeps the booked negative points on their own
account ("Loyalty points owed by clients"), so the liability account carries
the positive balances only."""
# Negative balances are their own idea (loyalty_daily_move.py books):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, api, fields, models
from odoo.tools import SQL


class ClinicLoyaltyDailyMove(models.Model):
    _inherit = "clinic.loyalty.daily.move"

    negative_points = fields.Integer(
        readonly=True,
        help="Booked points of the clients below zero after this day (0 or less): on the account of the "
        "points owed by clients, not on the liability.",
    )

    @api.model
    def _loyalty_booked_negative(self, company):
        """Sum of the negative booked balances of ``company``'s accounts: the
        balance less the entries not booked yet (a day's worth), so the run
        never reads the whole ledger."""
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(SUM(LEAST(a.balance - COALESCE(u.points, 0), 0)), 0)
                     FROM clinic_loyalty_account a
                     LEFT JOIN (SELECT e.account_id, SUM(e.points) AS points FROM clinic_loyalty_entry e
                                 WHERE e.company_id = %(company)s
                                   AND NOT EXISTS (SELECT 1 FROM clinic_loyalty_move_link l
                                                    WHERE l.entry_id = e.id)
                                 GROUP BY e.account_id) u ON u.account_id = a.id
                    WHERE a.company_id = %(company)s AND (a.balance < 0 OR u.points IS NOT NULL)""",
                company=company.id,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _loyalty_extra_lines(self, company, daily, old_value, value):
        lines = super()._loyalty_extra_lines(company, daily, old_value, value)
        self.env.cr.execute(
            SQL(
                """SELECT negative_points FROM clinic_loyalty_daily_move
                    WHERE company_id = %s AND id != %s ORDER BY date DESC, id DESC LIMIT 1""",
                company.id,
                daily.id,
            )
        )
        row = self.env.cr.fetchone()
        before = row[0] or 0 if row else 0
        now = self._loyalty_booked_negative(company)
        self.env.cr.execute(
            SQL("UPDATE clinic_loyalty_daily_move SET negative_points = %s WHERE id = %s", now, daily.id)
        )
        daily.invalidate_recordset(["negative_points"])
        if company.loyalty_books_method == "deferral":
            return lines  # no liability at face value to keep them off
        currency = company.currency_id
        # Move the owed points off the liability at today's value: the change
        # of the day, and the revaluation of those already owed.
        credit = currency.round((before - now) * value + (-before) * (value - old_value))
        if currency.is_zero(credit):
            return lines
        company._loyalty_negative_account_setup()
        label = _(
            "Points owed by clients (balances below zero): %(points)s points",
            points=-now,
        )
        return lines + [
            {"name": label, "account_id": company.loyalty_liability_account_id.id, "balance": -credit},
            {"name": label, "account_id": company.loyalty_negative_account_id.id, "balance": credit},
        ]


class ResCompany(models.Model):
    _inherit = "res.company"

    loyalty_negative_account_id = fields.Many2one(
        "account.account",
        string="Loyalty points owed by clients account",
        check_company=True,
        help="Carries the value of the points of clients whose balance is below zero (a credit note after "
        "they spent their points): owed by them, not netted against the liability.",
    )

    def _loyalty_negative_account_setup(self):
        for company in self.sudo().filtered(lambda c: not c.loyalty_negative_account_id):
            Account = self.env["account.account"].sudo().with_company(company)
            last = Account.search(
                [("company_ids", "=", company.id), ("account_type", "=", "asset_current")],
                order="code desc",
                limit=1,
            )
            company.with_context(loyalty_accounting_setup=True).loyalty_negative_account_id = Account.create(
                {
                    "name": _("Loyalty points owed by clients"),
                    "code": Account._search_new_account_code(last.code or "1900"),
                    "account_type": "asset_current",
                    "reconcile": False,
                    "company_ids": [fields.Command.set(company.ids)],
                }
            )
