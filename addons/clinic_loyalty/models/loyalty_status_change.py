from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.programme import LOYALTY_STATUS

EARNING_STATUSES = ("test", "on")


class ClinicLoyaltyStatusChange(models.Model):
    """Each change of a clinic's programme status (from, to, who, when).

    The history decides which days earn points: a document earns only if its
    clinic's programme was Test or On on its date, whenever the accrual runs
    (:meth:`_earning_periods`, applied by ``clinic.loyalty.spend.source``).
    Written only by ``res.company`` when the status changes; append-only.
    """

    _name = "clinic.loyalty.status.change"
    _description = "Loyalty programme status change"
    _order = "company_id, date, id"

    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True, index=True)
    old_status = fields.Selection(LOYALTY_STATUS, string="From", readonly=True)
    new_status = fields.Selection(LOYALTY_STATUS, string="To", required=True, readonly=True)
    date = fields.Date(
        string="Effective on",
        readonly=True,
        help="Day the new status took effect. Empty: the status the clinic already had when the "
        "history started, in effect since always.",
    )
    user_id = fields.Many2one("res.users", string="Changed by", readonly=True)

    def init(self):
        # Clinics already earning when the history starts keep earning on
        # every date, as they did (an empty date means "since always").
        self.env.cr.execute(
            """
            INSERT INTO clinic_loyalty_status_change
                   (company_id, old_status, new_status, date, create_date, write_date)
            SELECT c.id, 'off', c.loyalty_status, NULL, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM res_company c
             WHERE c.loyalty_status IN ('test', 'on')
               AND NOT EXISTS (SELECT 1 FROM clinic_loyalty_status_change h WHERE h.company_id = c.id)
            """
        )

    @api.model
    def _log(self, company, old_status, new_status):
        self.sudo().create(
            {
                "company_id": company.id,
                "old_status": old_status,
                "new_status": new_status,
                "date": fields.Date.context_today(self.with_company(company)),
                "user_id": self.env.uid,
            }
        )

    @api.model
    def _log_companies(self, companies, before):
        """Record the status changes of ``companies`` since ``before``
        ({company id: {field: value}}); a new start date re-evaluates the
        documents it may now let earn."""
        for company in companies:
            old = before.get(company.id, {})
            if "loyalty_status" in old and old["loyalty_status"] != company.loyalty_status:
                self._log(company, old["loyalty_status"], company.loyalty_status)
            if "loyalty_start_date" in old and old["loyalty_start_date"] != company.loyalty_start_date:
                self.env["clinic.loyalty.spend.source"]._loyalty_reopen(company)

    @api.model
    def _earning_periods_sql(self, company):
        """SELECT of the periods (columns ``f``, ``t``: first and last day)
        when documents of ``company`` earn.

        A period runs from the day the status became Test or On to the day it
        changed again, both included (that day the programme was running).
        The first one starts on the clinic's programme start date when a
        Loyalty Manager set one, earlier or later; no day before that start
        date earns. Read by the accrual engine in the query that locks each
        batch (:meth:`clinic.loyalty.spend.source._loyalty_lock_batch`).
        """
        return SQL(
            """
            SELECT CASE WHEN %(start)s::date IS NULL THEN h.f
                        WHEN h.rank = 1 THEN %(start)s::date
                        ELSE GREATEST(h.f, %(start)s::date) END AS f,
                   h.t
              FROM (SELECT c.new_status, COALESCE(c.date, '-infinity'::date) AS f,
                           COALESCE(LEAD(c.date) OVER w, 'infinity'::date) AS t,
                           RANK() OVER (PARTITION BY c.new_status IN %(earning)s
                                        ORDER BY c.date NULLS FIRST, c.id) AS rank
                      FROM clinic_loyalty_status_change c
                     WHERE c.company_id = %(company)s
                    WINDOW w AS (ORDER BY c.date NULLS FIRST, c.id)) h
             WHERE h.new_status IN %(earning)s
            """,
            start=company.loyalty_start_date or None,
            earning=EARNING_STATUSES,
            company=company.id,
        )
