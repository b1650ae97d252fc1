from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ClinicLoyaltyRedeemWizard(models.TransientModel):
    """Front desk: hand a reward over the counter.

    Creates a request marked as asked by staff and fulfils it at once; the
    points are consumed through ``clinic.loyalty.account._redeem`` with
    ``consent="staff"`` (where the OTP addon asks for the client's code).
    """

    _name = "clinic.loyalty.redeem.wizard"
    _description = "Redeem a loyalty reward"

    account_id = fields.Many2one("clinic.loyalty.account", required=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id")
    balance = fields.Integer(related="account_id.balance")
    reward_id = fields.Many2one(
        "clinic.loyalty.reward",
        required=True,
        domain="[('company_id', '=', company_id), ('points_cost', '<=', balance)]",
    )
    points_cost = fields.Integer(related="reward_id.points_cost")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "account_id" in fields_list and not res.get("account_id"):
            if self.env.context.get("active_model") == "clinic.loyalty.account":
                res["account_id"] = self.env.context.get("active_id")
        return res

    def action_redeem(self):
        self.ensure_one()
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_user"):
            raise AccessError(_("Only Loyalty Users can redeem rewards."))
        self.account_id.check_access("read")
        if self.reward_id.points_cost > self.account_id.balance:
            raise UserError(
                _(
                    "%(client)s has %(balance)s points; %(reward)s needs %(cost)s. Pick a cheaper reward.",
                    client=self.account_id.partner_id.name,
                    balance=self.account_id.balance,
                    reward=self.reward_id.name,
                    cost=self.reward_id.points_cost,
                )
            )
        req = self.env["clinic.loyalty.reward.request"]._create_request(
            self.account_id, self.reward_id, "staff", **self._redeem_kwargs()
        )
        req._fulfil()
        return {"type": "ir.actions.act_window_close"}

    def _redeem_kwargs(self):
        """Extra arguments for ``clinic.loyalty.account._redeem`` (extension
        point: the OTP addon passes the client's verified one-time code)."""
        return {}
