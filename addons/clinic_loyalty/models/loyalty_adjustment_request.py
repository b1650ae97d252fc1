"""Maker-checker on manual points: every adjustment is a request; above the
clinic's threshold it waits for a second Loyalty Manager (never the one who
asked), and each staff member has a daily cap of points added by hand.
Nothing reaches the ledger before approval."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class ClinicLoyaltyAdjustmentRequest(models.Model):
    _name = "clinic.loyalty.adjustment.request"
    _description = "Manual points adjustment request"
    _order = "create_date desc, id desc"

    account_id = fields.Many2one(
        "clinic.loyalty.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Client", store=True)
    company_id = fields.Many2one(related="account_id.company_id", string="Clinic", store=True, index=True)
    points = fields.Integer(required=True, readonly=True, help="Signed: positive adds, negative removes.")
    reason = fields.Char(required=True, readonly=True)
    requested_by_id = fields.Many2one("res.users", required=True, readonly=True, index=True)
    state = fields.Selection(
        [
            ("pending", "Waiting for approval"),
            ("posted", "Posted"),
            ("refused", "Refused"),
            ("capped", "Over the daily cap"),
        ],
        required=True,
        readonly=True,
        default="pending",
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", string="Approved or refused by", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    decision_note = fields.Char(readonly=True)
    entry_key = fields.Char(readonly=True)

    _sql_constraints = [
        ("points_not_zero", "check(points <> 0)", "An adjustment must move points."),
    ]

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can adjust a client's points."))

    @api.model
    def _request(self, account, delta, reason):
        """Record an adjustment of ``delta`` points on ``account`` asked by
        the current user: posted at once up to the threshold, else waiting.
        Over the requester's daily cap of points added by hand, nothing is
        posted: the attempt is kept as ``capped`` and logged on the account."""
        self._check_manager()
        company = account.company_id
        user = self.env.user
        if delta > 0 and company.loyalty_adjust_daily_cap:
            # Serialise one staff member's requests so two tabs cannot both fit under the cap.
            self.env.cr.execute(SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id))
            self.env.flush_all()
            today = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
            self.env.cr.execute(
                SQL(
                    """SELECT COALESCE(SUM(points), 0) FROM clinic_loyalty_adjustment_request
                        WHERE requested_by_id = %s AND company_id = %s AND points > 0
                          AND state NOT IN ('refused', 'capped') AND create_date >= %s""",
                    user.id,
                    company.id,
                    today,
                )
            )
            added = self.env.cr.fetchone()[0]
            if added + delta > company.loyalty_adjust_daily_cap:
                # Refused, and kept: the attempt is logged on the account.
                message = _(
                    "%(user)s has added %(added)s points by hand today at %(clinic)s; the daily cap is "
                    "%(cap)s: %(points)s more points were refused. Ask another Loyalty Manager to make this "
                    "adjustment, or raise the cap in the loyalty settings.",
                    user=user.name,
                    added=added,
                    clinic=company.name,
                    cap=company.loyalty_adjust_daily_cap,
                    points=delta,
                )
                request = self.sudo().create(
                    {
                        "account_id": account.id,
                        "points": delta,
                        "reason": reason,
                        "requested_by_id": user.id,
                        "state": "capped",
                        "decision_date": fields.Datetime.now(),
                        "decision_note": message,
                    }
                )
                account.sudo().message_post(body=message)
                return request.with_env(self.env)
        request = self.sudo().create(
            {"account_id": account.id, "points": delta, "reason": reason, "requested_by_id": user.id}
        )
        if abs(delta) > company.loyalty_adjust_approval_threshold:
            account.sudo().message_post(
                body=_(
                    "%(user)s asks to %(op)s %(points)s points (reason: %(reason)s): waiting for a second "
                    "Loyalty Manager's approval, above %(threshold)s points.",
                    user=user.name,
                    op=_("add") if delta > 0 else _("remove"),
                    points=abs(delta),
                    reason=reason,
                    threshold=company.loyalty_adjust_approval_threshold,
                )
            )
            return request.with_env(self.env)
        request._post(approver=None)
        return request.with_env(self.env)

    def action_approve(self):
        """A second Loyalty Manager posts the adjustment."""
        self._check_manager()
        self.check_access("read")
        for request in self:
            if request.requested_by_id == self.env.user:
                raise AccessError(_("You cannot approve your own adjustment: another Loyalty Manager must."))
            if request.company_id not in self.env.companies:
                raise AccessError(_("You can only approve adjustments at the clinics you work for."))
            request.sudo()._post(approver=self.env.user)
        return True

    def action_refuse(self):
        self._check_manager()
        self.check_access("read")
        for request in self.sudo():
            request._lock_pending()
            request.write(
                {"state": "refused", "approved_by_id": self.env.uid, "decision_date": fields.Datetime.now()}
            )
            request.account_id.message_post(
                body=_(
                    "%(user)s refused the adjustment of %(points)s points asked by %(requester)s.",
                    user=self.env.user.name,
                    points=request.points,
                    requester=request.requested_by_id.name,
                )
            )
        return True

    def _lock_pending(self):
        self.ensure_one()
        self.flush_recordset(["state"])
        self.env.cr.execute(
            SQL(
                "SELECT state FROM clinic_loyalty_adjustment_request WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        if self.env.cr.fetchone()[0] != "pending":
            raise UserError(_("This adjustment was already approved or refused."))

    def _post(self, approver):
        """Post the ledger entry (attributed to the requester) and log it."""
        self.ensure_one()
        self._lock_pending()
        account = self.account_id
        balance = account._lock()[account.id]
        if balance + self.points < 0:
            raise UserError(
                _(
                    "%(client)s has %(balance)s points: you cannot remove %(points)s. An adjustment may not "
                    "take a balance below zero; remove at most %(balance)s points.",
                    client=account.partner_id.name,
                    balance=balance,
                    points=-self.points,
                )
            )
        key = f"adjustment-request-{self.id}"
        reason = self.reason
        if approver:
            reason = _("%(reason)s (approved by %(user)s)", reason=reason, user=approver.name)
        account._post_entries(
            [
                {
                    "account_id": account.id,
                    "points": self.points,
                    "kind": "adjustment",
                    "key": key,
                    "reason": reason,
                    "user_id": self.requested_by_id.id,
                    "res_model": account._name,
                    "res_id": account.id,
                    "source_name": _("Manual adjustment"),
                }
            ]
        )
        self.write(
            {
                "state": "posted",
                "entry_key": key,
                "approved_by_id": approver.id if approver else False,
                "decision_date": fields.Datetime.now(),
            }
        )
        requester = self.requested_by_id.name
        body = (
            _(
                "%(user)s added %(points)s points. Reason: %(reason)s",
                user=requester,
                points=self.points,
                reason=self.reason,
            )
            if self.points > 0
            else _(
                "%(user)s removed %(points)s points. Reason: %(reason)s",
                user=requester,
                points=-self.points,
                reason=self.reason,
            )
        )
        if approver:
            body = _("%(body)s Approved by %(approver)s.", body=body, approver=approver.name)
        account.message_post(body=body)
        return key
