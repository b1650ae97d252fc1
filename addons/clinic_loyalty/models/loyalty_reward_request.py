from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

REQUEST_STATES = [
    ("pending", "Pending"),
    ("fulfilled", "Fulfilled"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]


class ClinicLoyaltyRewardRequest(models.Model):
    """A client's claim on a reward.

    The points are held at once by a ``redemption`` entry posted through
    ``clinic.loyalty.account._redeem`` (drawn from the lots that expire
    first, so they never expire while held); cancelling (client) or refusing
    (staff) gives them back once with a ``refund`` entry, as lots with the
    expiry dates they had. Requests are
    only created by :meth:`_create_request` and change state only through
    :meth:`_fulfil`, :meth:`_refuse` and :meth:`_cancel`, each under a row
    lock on the request.
    """

    _name = "clinic.loyalty.reward.request"
    _inherit = ["mail.thread"]
    _description = "Loyalty reward request"
    _order = "is_pending desc, create_date desc, id desc"

    account_id = fields.Many2one(
        "clinic.loyalty.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Client", store=True, index=True)
    company_id = fields.Many2one(related="account_id.company_id", string="Clinic", store=True, index=True)
    reward_id = fields.Many2one("clinic.loyalty.reward", required=True, readonly=True, ondelete="restrict")
    points = fields.Integer(required=True, readonly=True, help="Points held for this request.")
    state = fields.Selection(REQUEST_STATES, default="pending", required=True, readonly=True, tracking=True)
    is_pending = fields.Boolean(compute="_compute_is_pending", store=True)
    refuse_reason = fields.Text(readonly=True, tracking=True)
    requested_by = fields.Selection(
        [("portal", "Client (portal)"), ("staff", "Front desk")], required=True, readonly=True
    )
    entry_key = fields.Char(
        string="Redemption reference",
        readonly=True,
        help="Key of the redemption entry that holds the points.",
    )
    done_date = fields.Datetime(string="Closed on", readonly=True)
    done_user_id = fields.Many2one("res.users", string="Closed by", readonly=True)

    @api.depends("state")
    def _compute_is_pending(self):
        for req in self:
            req.is_pending = req.state == "pending"

    @api.depends("reward_id", "partner_id")
    def _compute_display_name(self):
        for req in self:
            req.display_name = f"{req.reward_id.name} · {req.partner_id.name}"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("loyalty_request_create"):
            raise AccessError(_("Reward requests are made from the portal or with the Redeem reward action."))
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.context.get("loyalty_request_transition"):
            raise AccessError(_("Use the Fulfil or Refuse buttons to change a reward request."))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions (back office)
    # ------------------------------------------------------------------
    def action_fulfil(self):
        self._check_staff()
        self._fulfil()
        return True

    def action_open_refuse_wizard(self):
        self.ensure_one()
        self._check_staff()
        return {
            "type": "ir.actions.act_window",
            "name": _("Refuse reward request"),
            "res_model": "clinic.loyalty.request.refuse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _check_staff(self):
        """Only Loyalty Users of the request's clinic act on it."""
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_user"):
            raise AccessError(_("Only Loyalty Users can fulfil or refuse reward requests."))
        self.check_access("read")

    @api.model
    def _create_request(self, account, reward, requested_by, **redeem_kwargs):
        """Hold the reward's cost on ``account`` and record the request.

        ``redeem_kwargs`` go to ``_redeem`` untouched (e.g. the OTP addon's
        verified challenge for a staff redemption).

        Every check is made here, on the server: the reward must be enabled
        and belong to the account's clinic; ``_redeem`` checks the clinic is
        On and the balance (under the account's row lock). Runs in a
        savepoint, so nothing is left behind when it refuses.
        """
        account.ensure_one()
        reward.ensure_one()
        if requested_by not in ("portal", "staff"):
            raise UserError(_("Unknown requester %(who)s.", who=requested_by))
        # Posted in the caller's name (the ledger's user_id), with sudo rights.
        account = account.with_env(self.env).sudo()
        reward = reward.with_env(self.env).sudo().with_context(active_test=False)
        if not reward.exists() or not reward.active or reward.company_id != account.company_id:
            raise UserError(
                _(
                    "This reward is not offered by %(clinic)s: pick one from the list.",
                    clinic=account.company_id.name,
                )
            )
        with self.env.cr.savepoint():
            req = (
                self.sudo()
                .with_context(loyalty_request_create=True)
                .create(
                    {
                        "account_id": account.id,
                        "reward_id": reward.id,
                        "points": reward.points_cost,
                        "requested_by": requested_by,
                    }
                )
            )
            key = f"request:{req.id}"
            account._redeem(
                reward.points_cost,
                _("Reward: %(reward)s", reward=reward.name),
                key,
                consent=requested_by,
                res_model=self._name,
                res_id=req.id,
                source_name=reward.name,
                **redeem_kwargs,
            )
            req.entry_key = key
        return req.with_env(self.env)

    def _lock_pending(self):
        """Row-lock the request and re-read its state under the lock: a
        second click or a concurrent transaction then sees the first one's
        outcome. Raises unless it is still pending."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT state FROM clinic_loyalty_reward_request WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_recordset(["state", "is_pending"])
        if not row or row[0] != "pending":
            raise UserError(_("This reward request is no longer pending: reload the page to see its state."))

    def _close(self, state, reason=None):
        self._lock_pending()
        vals = {"state": state, "done_date": fields.Datetime.now(), "done_user_id": self.env.uid}
        if reason:
            vals["refuse_reason"] = reason
        if state in ("refused", "cancelled"):
            self.account_id.sudo()._give_back(
                [self.entry_key or f"request:{self.id}"],
                f"request:{self.id}:refund",
                self.points,
                key=f"request:{self.id}:refund",
                res_model=self._name,
                res_id=self.id,
                source_name=self.reward_id.sudo().name,
                reason=_("Reward request %(state)s", state=dict(REQUEST_STATES)[state].lower()),
            )
        self.sudo().with_context(loyalty_request_transition=True).write(vals)

    def _fulfil(self):
        for req in self:
            req._close("fulfilled")
            req._notify_client("clinic_loyalty.mail_template_reward_request_fulfilled")

    def _refuse(self, reason):
        if not (reason or "").strip():
            raise UserError(_("Say why the request is refused: the client receives the reason."))
        for req in self:
            req._close("refused", reason.strip())
            req._notify_client("clinic_loyalty.mail_template_reward_request_refused")

    def _cancel(self):
        """Cancelled by the client (portal): only while pending."""
        for req in self:
            req._close("cancelled")

    def _notify_client(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if template and self.partner_id.email:
            self.sudo().message_post_with_source(template, subtype_xmlid="mail.mt_comment")
