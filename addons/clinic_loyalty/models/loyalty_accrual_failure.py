"""Documents the accrual engine set aside: one bad document never stops the
others, it waits here with its reason until a run (or a manager's retry)
accrues it."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL


class ClinicLoyaltyAccrualFailure(models.Model):
    _name = "clinic.loyalty.accrual.failure"
    _description = "Loyalty accrual failure"
    _order = "state, date desc, id desc"
    _rec_name = "document_name"

    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True, index=True)
    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True
    )
    document_name = fields.Char(string="Document", readonly=True)
    reason = fields.Text(readonly=True)
    date = fields.Datetime(string="Last failure", required=True, readonly=True, default=fields.Datetime.now)
    attempts = fields.Integer(readonly=True, default=1)
    state = fields.Selection(
        [("open", "Set aside"), ("done", "Accrued")], required=True, readonly=True, default="open", index=True
    )

    _sql_constraints = [
        ("document_uniq", "unique(company_id, res_model, res_id)", "A document is set aside once."),
    ]

    @api.model
    def _record(self, company, model, doc_id, name, reason):
        """Set a document aside (or count one more failure of it)."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO clinic_loyalty_accrual_failure
                       (company_id, res_model, res_id, document_name, reason, date, attempts, state,
                        create_uid, write_uid, create_date, write_date)
                   VALUES (%(company)s, %(model)s, %(doc)s, %(name)s, %(reason)s, now() at time zone 'UTC',
                           1, 'open', %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC')
                   ON CONFLICT (company_id, res_model, res_id) DO UPDATE
                      SET reason = EXCLUDED.reason, date = EXCLUDED.date,
                          document_name = EXCLUDED.document_name,
                          attempts = CASE WHEN clinic_loyalty_accrual_failure.state = 'open'
                                          THEN clinic_loyalty_accrual_failure.attempts + 1 ELSE 1 END,
                          state = 'open', write_date = EXCLUDED.write_date""",
                company=company.id,
                model=model,
                doc=doc_id,
                name=name,
                reason=reason,
                uid=self.env.uid,
            )
        )
        self.invalidate_model()

    @api.model
    def _clear(self, model, doc_ids):
        """The documents ``doc_ids`` accrued: their failures are done (one query)."""
        if not doc_ids:
            return
        self.env.cr.execute(
            SQL(
                """UPDATE clinic_loyalty_accrual_failure
                      SET state = 'done', write_date = now() at time zone 'UTC'
                    WHERE state = 'open' AND res_model = %s AND res_id = ANY(%s)""",
                model,
                list(doc_ids),
            )
        )
        self.invalidate_model(["state"])

    def action_retry(self):
        """Accrue the documents again now (Loyalty Managers, their clinics)."""
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            raise AccessError(_("Only Loyalty Managers retry the documents set aside by the accrual."))
        self.check_access("read")  # record rules: the manager's own clinics only
        engine = self.env["clinic.loyalty.accrual"].sudo()
        for failure in self.sudo().filtered(lambda f: f.state == "open"):
            engine._retry_document(failure.res_model, failure.company_id, failure.res_id)
        return True
