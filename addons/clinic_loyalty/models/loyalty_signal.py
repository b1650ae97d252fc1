"""Staff signals: one record per finding of the nightly review of the ledger
and the sales (a staff member who may be gaming the programme).

Each kind is one set-based query (``_signal_find_<kind>``) returning
findings; :meth:`_signal_record` inserts them under a unique key per clinic,
so a finding is recorded once however often the review runs. An addon adds
the kinds of its own data with ``selection_add`` and :meth:`_signal_kinds`.
"""

import logging
from datetime import timedelta

from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import signal_sql
from ..tools.signal_sql import STAFF_CTE, _digits9  # noqa: F401 (the OTP addon imports them from here)

_logger = logging.getLogger(__name__)

SIGNAL_KINDS = [
    ("staff_earning", "Points earned on a staff contact"),
    ("adjust_peers", "Manual points far above peers"),
    ("adjust_same_client", "Manual points to the same client"),
    ("adjust_after_refund", "Points given back by hand after a refund"),
    ("unpaid", "Points with no payment behind them"),
    ("redeem_absent", "Redemption with the client not at the clinic"),
]


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
    state = fields.Selection(
        [("new", "New"), ("dismissed", "Dismissed"), ("confirmed", "Confirmed")],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    dismiss_reason = fields.Char(readonly=True)
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    digest_sent = fields.Boolean(readonly=True, default=False)

    _sql_constraints = [
        ("key_company_uniq", "unique(company_id, key)", "This finding was already recorded."),
    ]

    def _compute_document_count(self):
        for signal in self:
            signal.document_count = len(signal.res_ids or [])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
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
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("Staff review done: %(count)s new signal(s).", count=len(created)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # The review
    # ------------------------------------------------------------------
    @api.model
    def _signal_kinds(self):
        """The kinds the review computes, each by ``_signal_find_<kind>``.
        Extended by the addons that own the data (point of sale, codes)."""
        return [kind for kind, _label in SIGNAL_KINDS]

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
        point_value = company.loyalty_point_value or 0.0
        uid = self.env.uid
        rows = [
            (
                company.id,
                f["kind"],
                f["key"],
                f["name"],
                f.get("user_id") or None,
                f.get("partner_id") or None,
                int(max(min(f.get("points") or 0, 2**31 - 1), -(2**31))),
                abs(f.get("points") or 0) * point_value,
                f.get("date") or now.date(),
                f.get("res_model"),
                self._fields["res_ids"].convert_to_column(sorted(set(f.get("res_ids") or [])) or None, self),
                uid,
                uid,
            )
            for f in findings
        ]
        inserted = execute_values(
            self.env.cr._obj,
            """
            INSERT INTO clinic_loyalty_signal
                (company_id, kind, key, name, user_id, partner_id, points, value, date, res_model, res_ids,
                 create_uid, write_uid, state, digest_sent, create_date, write_date)
            SELECT v.*, 'new', FALSE, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v
            ON CONFLICT (company_id, key) DO NOTHING
            RETURNING id, key
            """,
            rows,
            template="(%s, %s, %s, %s, %s::int, %s::int, %s, %s::numeric, %s::date, %s, %s::jsonb, %s, %s)",
            page_size=1000,
            fetch=True,
        )
        by_key = {f["key"]: f for f in findings}
        links = [(sid, eid) for sid, key in inserted for eid in set(by_key[key].get("entry_ids") or [])]
        if links:
            execute_values(
                self.env.cr._obj,
                """INSERT INTO clinic_loyalty_signal_entry_rel (signal_id, entry_id) VALUES %s
                   ON CONFLICT DO NOTHING""",
                links,
                page_size=5000,
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
        finding = {
            "kind": kind,
            "key": f"{kind}:{key}",
            "user_id": row.get("user_id"),
            "partner_id": row.get("partner_id"),
            "points": row.get("points"),
            "entry_ids": row.get("entry_ids"),
            "date": row.get("date"),
            "name": name,
        }
        if "models" in row:
            finding.update(self._signal_documents(row["models"], row["res_ids"]))
        finding.update(values)
        return finding

    @api.model
    def _signal_find_staff_earning(self, company, since, now):
        """Points earned, per month, on a staff member's own contact or on a
        contact that shares a phone number or an email with it."""
        rows = self._signal_fetch(
            signal_sql.staff_earning(
                company=company.id, since=since, now=now, threshold=company.loyalty_signal_staff_points
            )
        )
        return [
            self._signal_finding(
                "staff_earning",
                f"{r['user_id']}:{r['partner_id']}:{r['month']}",
                r,
                self.env._("%(points)s points earned in %(month)s on the staff member's own contact.", **r)
                if r["own"]
                else self.env._(
                    "%(points)s points earned in %(month)s on a contact sharing a phone number or "
                    "an email with the staff member.",
                    **r,
                ),
            )
            for r in rows
        ]

    @api.model
    def _signal_documents(self, res_models, res_ids):
        models_ = [m for m in res_models or [] if m]
        if len(models_) != 1:
            return {}
        return {"res_model": models_[0], "res_ids": [i for i in res_ids or [] if i]}

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
        return [
            self._signal_finding(
                "adjust_peers",
                f"{r['user_id']}:{r['month']}",
                r,
                self.env._(
                    "%(points)s points added by hand in %(month)s (%(n)s adjustments); the other staff "
                    "members added %(peers)s on average.",
                    points=r["points"],
                    month=r["month"],
                    n=r["n"],
                    peers=round(r["peers"]),
                ),
            )
            for r in rows
        ]

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
        return [
            self._signal_finding(
                "adjust_same_client",
                f"{r['user_id']}:{r['partner_id']}:{r['month']}",
                r,
                self.env._(
                    "%(n)s adjustments (%(points)s points) by hand to the same client in %(month)s.", **r
                ),
            )
            for r in rows
        ]

    @api.model
    def _signal_find_adjust_after_refund(self, company, since, now):
        """Points added by hand to a client shortly after a refund took
        their points back."""
        rows = self._signal_fetch(
            signal_sql.adjust_after_refund(
                company=company.id, since=since, now=now, days=company.loyalty_signal_refund_days
            )
        )
        return [
            self._signal_finding(
                "adjust_after_refund",
                r["id"],
                r,
                self.env._(
                    "%(points)s points given back by hand after a refund took the client's points.", **r
                ),
                entry_ids=[r["id"], *r["refund_ids"]],
            )
            for r in rows
        ]

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
        return [
            self._signal_finding(
                "unpaid",
                r["move_id"],
                r,
                self.env._(
                    "%(points)s points stand on %(move_name)s, which is not paid (%(payment_state)s).", **r
                ),
                res_model="account.move",
                res_ids=[r["move_id"]],
            )
            for r in rows
        ]

    @api.model
    def _signal_presence_sql(self):
        """Days a client was at the clinic, other than through the redemption
        itself: SQL selecting (partner_id, company_id, day, res_model, res_id).
        The point of sale adds its orders."""
        return [
            SQL(
                """SELECT m.commercial_partner_id, m.company_id, m.invoice_date, 'account.move', m.id
                     FROM account_move m
                    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')"""
            )
        ]

    @api.model
    def _signal_find_redeem_absent(self, company, since, now):
        """Points spent by staff on a day the client had no sale and no
        visit at the clinic (their name given at the counter)."""
        presence = SQL(" UNION ALL ").join(self._signal_presence_sql())
        rows = self._signal_fetch(
            signal_sql.redeem_absent(presence=presence, company=company.id, since=since, now=now)
        )
        return [
            self._signal_finding(
                "redeem_absent",
                r["id"],
                r,
                self.env._(
                    "%(points)s points spent on %(date)s with no sale and no visit of the client that day.",
                    **r,
                ),
                entry_ids=[r["id"]],
                **self._signal_documents([r["res_model"]], [r["res_id"]]),
            )
            for r in rows
        ]

    # ------------------------------------------------------------------
    # Digest and cron
    # ------------------------------------------------------------------
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
                counts = {}
                for signal in mine:
                    label = dict(self._fields["kind"]._description_selection(self.env))[signal.kind]
                    counts[label] = counts.get(label, 0) + 1
                activities.append(
                    {
                        "res_model_id": model,
                        "res_id": mine[0].id,
                        "activity_type_id": activity_type.id,
                        "user_id": manager.id,
                        "summary": self.env._(
                            "%(count)s new staff signal(s) at %(clinic)s",
                            count=len(mine),
                            clinic=company.name,
                        ),
                        "note": "<br/>".join(f"{label}: {n}" for label, n in sorted(counts.items())),
                    }
                )
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
