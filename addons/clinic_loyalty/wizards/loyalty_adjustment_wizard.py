from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ClinicLoyaltyAdjustmentWizard(models.TransientModel):
    """Manual correction of a client's points (clinics without an integrated
    PMS, goodwill gestures, mistakes). Posts one ``adjustment`` ledger entry."""

    _name = "clinic.loyalty.adjustment.wizard"
    _description = "Loyalty points adjustment"

    account_id = fields.Many2one("clinic.loyalty.account", string="Account")
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
    )
    company_id = fields.Many2one(
        "res.company", string="Clinic", default=lambda self: self.env.company, readonly=True
    )
    balance = fields.Integer(string="Current balance", compute="_compute_balance")
    operation = fields.Selection(
        [("add", "Add points"), ("remove", "Remove points")],
        required=True,
        default="add",
    )
    points = fields.Integer(required=True, default=0)
    reason = fields.Char(required=True, help="Why the points are corrected; kept in the ledger and chatter.")

    @api.depends("account_id")
    def _compute_partner_id(self):
        for wizard in self:
            if wizard.account_id:
                wizard.partner_id = wizard.account_id.partner_id

    @api.depends("account_id", "partner_id", "company_id")
    def _compute_balance(self):
        for wizard in self:
            wizard.balance = wizard._find_account().balance

    def _find_account(self):
        self.ensure_one()
        if self.account_id:
            return self.account_id
        if not self.partner_id:
            return self.env["clinic.loyalty.account"]
        return self.env["clinic.loyalty.account"]._lookup(self.partner_id, self.company_id)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can adjust a client's points."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Give a reason for the adjustment: it is kept in the ledger."))
        if self.points <= 0:
            raise UserError(_("Enter a positive number of points to add or remove."))
        account = self._get_account()
        delta = self.points if self.operation == "add" else -self.points
        balance = account._lock()[account.id]
        if balance + delta < 0:
            raise UserError(
                _(
                    "%(client)s has %(balance)s points: you cannot remove %(points)s. An adjustment may not "
                    "take a balance below zero; remove at most %(balance)s points.",
                    client=account.partner_id.name,
                    balance=balance,
                    points=self.points,
                )
            )
        request = self.env["clinic.loyalty.adjustment.request"]._request(account, delta, reason)
        if request.state == "capped":
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"type": "danger", "sticky": True, "message": request.decision_note},
            }
        if request.state == "pending":
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": _(
                        "More than %(threshold)s points: the adjustment waits for a second Loyalty "
                        "Manager's approval (Loyalty → Adjustments to approve). Nothing is posted before.",
                        threshold=account.company_id.loyalty_adjust_approval_threshold,
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return {"type": "ir.actions.act_window_close"}

    def _get_account(self):
        """The account to adjust, created for a client who has none yet;
        always one the current user may see (multi-company rules)."""
        Account = self.env["clinic.loyalty.account"]
        account = self.account_id
        if (account.company_id or self.company_id) not in self.env.companies:
            raise AccessError(_("You can only adjust points at the clinics you work for."))
        if not account:
            if not self.partner_id:
                raise UserError(_("Choose the client whose points you adjust."))
            partner = self.partner_id.commercial_partner_id
            partner.check_access("read")
            account = Account._account_for(partner, self.company_id)
        account.check_access("write")
        return account
