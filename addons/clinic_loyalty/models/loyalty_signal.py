"""Staff signals: one record per finding of the nightly review of the ledger
and the sales (a staff member who may be gaming the programme).

Each kind is one set-based query (``_signal_find_<kind>``) returning
findings; :meth:`_signal_record` inserts them under a unique key per clinic,
so a finding is recorded once however often the review runs. An addon adds
the kinds of its own data with ``selection_add`` and a ``_signal_find_<kind>``.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import signal_findings as findings_
from ..tools import signal_sql
from ..tools.signal_findings import SIGNAL_KINDS, SIGNAL_STATES
from ..tools.signal_sql import STAFF_CTE, _digits9  # noqa: F401 (the OTP addon imports them from here)

_logger = logging.getLogger(__name__)


class ClinicLoyaltySignal(models.Model):
    _name = "clinic.loyalty.signal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Loyalty staff signal"
    _order = "date desc, id desc"

    name = fields.Char(string="What was seen", required=True, readonly=True)
    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Staff member", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True, index=True)
    kind = fields.Selection(SIGNAL_KINDS, required=True, readonly=True, index=True)
    points = fields.Integer(string="Points at stake", readonly=True)
    value = fields.Monetary(string="Value at stake", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True, index=True)
    entry_ids = fields.Many2many(
        "clinic.loyalty.entry",
        "clinic_loyalty_signal_entry_rel",
        "signal_id",
        "entry_id",
        string="Ledger entries",
        readonly=True,
    )
    res_model = fields.Char(string="Documents of", readonly=True)
    res_ids = fields.Json(string="Documents", readonly=True)
    document_count = fields.Integer(compute="_compute_document_count")
    key = fields.Char(required=True, readonly=True, help="One finding, recorded once per clinic.")
    state = fields.Selection(SIGNAL_STATES, default="new", required=True, readonly=True, index=True)
    dismiss_reason = fields.Char(readonly=True)
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    digest_sent = fields.Boolean(readonly=True, default=False)

    _sql_constraints = [("key_company_uniq", "unique(company_id, key)", "This finding was already recorded.")]

    def _compute_document_count(self):
        for signal in self:
            signal.document_count = len(signal.res_ids or [])

    # --- actions ---
    def _check_reviewer(self):
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(self.env._("Only a Loyalty Manager reviews staff signals."))
        self.check_access("read")

    def action_confirm(self):
        self._check_reviewer()
        self.sudo().write({"state": "confirmed", "reviewed_by_id": self.env.uid})
        return True

    def action_dismiss(self, reason=None):
        self._check_reviewer()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the signal is dismissed: the reason is kept with it."))
        self.sudo().write({"state": "dismissed", "dismiss_reason": reason, "reviewed_by_id": self.env.uid})
        return True

    def action_dismiss_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "clinic.loyalty.signal.dismiss.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_signal_ids": self.ids},
        }

    def action_open_documents(self):
        self.ensure_one()
        if not self.res_model or not self.res_ids:
            return False
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self.res_model,
            "view_mode": "list,form",
            "domain": [("id", "in", self.res_ids)],
        }

    def action_open_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_loyalty.loyalty_entry_action")
        action["domain"] = [("id", "in", self.entry_ids.ids)]
        action["context"] = {}
        return action

    @api.model
    def action_compute_signals(self):
        """On demand (Staff signals → Review now): the review of the clinics
        the manager works at."""
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(self.env._("Only a Loyalty Manager runs the staff review."))
        created = self.sudo()._signal_compute(self.env.companies)
        return findings_.review_done(self.env, len(created))

    # --- the review ---
    @api.model
    def _signal_kinds(self):
        """The kinds the review computes, each by ``_signal_find_<kind>``:
        those of the ``kind`` selection, which the addons that own the data
        (point of sale, codes) extend."""
        return [kind for kind, _label in self._fields["kind"].selection]

    @api.model
    def _signal_compute(self, companies, now=None):
        """Run every kind over ``companies``; returns the signals created."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        created = self.browse()
        for company in companies:
            since = now - timedelta(days=company.loyalty_signal_lookback_days or 62)
            findings = []
            for kind in self._signal_kinds():
                findings += getattr(self, f"_signal_find_{kind}")(company, since, now)
            created |= self._signal_record(company, findings, now)
        return created

    @api.model
    def _signal_record(self, company, findings, now):
        """Insert ``findings`` (dicts: kind, key, name, user_id, partner_id,
        points, entry_ids, res_model, res_ids, date) set-based; a key already
        recorded is skipped."""
        if not findings:
            return self.browse()
        column = self._fields["res_ids"].convert_to_column
        inserted = findings_.insert(
            self.env.cr, company, findings, now, self.env.uid, lambda ids: column(ids, self)
        )
        self.invalidate_model()
        return self.browse([sid for sid, _key in inserted])

    def _signal_fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    @api.model
    def _signal_finding(self, kind, key, row, name, **values):
        """One finding of ``kind`` (for :meth:`_signal_record`) from a row of
        its query: the staff member, client, points, entries, date and, when
        the row has ``models`` and ``res_ids`` columns, its documents; its key
        is ``kind:key``; ``values`` add to it or override it."""
        return findings_.finding(kind, key, row, name, **values)

    @api.model
    def _signal_find_staff_earning(self, company, since, now):
        """Points earned, per month, on a staff member's own contact or on a
        contact that shares a phone number or an email with it."""
        rows = self._signal_fetch(
            signal_sql.staff_earning(
                company=company.id, since=since, now=now, threshold=company.loyalty_signal_staff_points
            )
        )
        return findings_.staff_earning_findings(self.env, rows)

    @api.model
    def _signal_find_adjust_peers(self, company, since, now):
        """Points a staff member added by hand in a month, far above the
        average of the others who adjusted that month."""
        rows = self._signal_fetch(
            signal_sql.adjust_peers(
                company=company.id,
                since=since,
                now=now,
                min_points=company.loyalty_signal_adjust_min_points,
                factor=company.loyalty_signal_adjust_factor,
            )
        )
        return findings_.adjust_peers_findings(self.env, rows)

    @api.model
    def _signal_find_adjust_same_client(self, company, since, now):
        """A staff member adjusting the same client again and again."""
        rows = self._signal_fetch(
            signal_sql.adjust_same_client(
                company=company.id,
                since=since,
                now=now,
                count=max(company.loyalty_signal_same_client_count, 1),
            )
        )
        return findings_.adjust_same_client_findings(self.env, rows)

    @api.model
    def _signal_find_adjust_after_refund(self, company, since, now):
        """Points added by hand to a client shortly after a refund took
        their points back."""
        rows = self._signal_fetch(
            signal_sql.adjust_after_refund(
                company=company.id, since=since, now=now, days=company.loyalty_signal_refund_days
            )
        )
        return findings_.adjust_after_refund_findings(self.env, rows)

    @api.model
    def _signal_find_unpaid(self, company, since, now):
        """Daily reconciliation of the ledger against the payments: points
        still standing on an invoice that is not, or no longer, paid."""
        rows = self._signal_fetch(
            signal_sql.unpaid(
                company=company.id,
                since=since,
                grace=now - timedelta(days=company.loyalty_signal_unpaid_days),
            )
        )
        return findings_.unpaid_findings(self.env, rows)

    @api.model
    def _signal_presence_sql(self):
        """Days a client was at the clinic, other than through the redemption
        itself: SQL selecting (partner_id, company_id, day, res_model, res_id).
        The point of sale adds its orders."""
        return [signal_sql.invoice_presence()]

    @api.model
    def _signal_find_redeem_absent(self, company, since, now):
        """Points spent by staff on a day the client had no sale and no
        visit at the clinic (their name given at the counter)."""
        presence = SQL(" UNION ALL ").join(self._signal_presence_sql())
        rows = self._signal_fetch(
            signal_sql.redeem_absent(presence=presence, company=company.id, since=since, now=now)
        )
        return findings_.redeem_absent_findings(self.env, rows)

    # --- digest and cron ---
    @api.model
    def _signal_send_digest(self):
        """One activity per Loyalty Manager and clinic with new signals not
        yet told; a manager is never told of the signals about themselves."""
        pending = self.sudo().search([("digest_sent", "=", False), ("state", "=", "new")])
        if not pending:
            return 0
        managers = (
            self.env.ref("clinic_loyalty.group_loyalty_manager")
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id)
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get_id("clinic.loyalty.signal")
        told = 0
        activities = []
        for company in pending.company_id:
            signals = pending.filtered(lambda s, c=company: s.company_id == c)
            for manager in managers.filtered(lambda u, c=company: c in u.company_ids):
                mine = signals.filtered(lambda s, m=manager: s.user_id != m and s.partner_id != m.partner_id)
                if not mine:
                    continue
                labels = dict(self._fields["kind"]._description_selection(self.env))
                note = findings_.digest_note(labels[signal.kind] for signal in mine)
                summary = findings_.digest_summary(self.env, len(mine), company.name)
                values = {"res_model_id": model, "res_id": mine[0].id, "activity_type_id": activity_type.id}
                activities.append({**values, "user_id": manager.id, "summary": summary, "note": note})
                told += 1
        if activities:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activities)
        pending.sudo().write({"digest_sent": True})
        return told

    @api.model
    def _cron_compute_signals(self):
        """Nightly, after the accrual: every clinic with a programme, then
        the digest to the Loyalty Managers."""
        companies = self.env["res.company"].sudo().search([("loyalty_status", "in", ("on", "test"))])
        done = 0
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    created = self.sudo()._signal_compute(company)
                    _logger.info("Loyalty staff review of %s: %s new signal(s)", company.name, len(created))
            except Exception:
                _logger.exception("Loyalty staff review of %s failed; the other clinics go on", company.name)
            done += 1
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)
        self._signal_send_digest()
