from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_balance = fields.Integer(
        string="Loyalty points",
        compute="_compute_loyalty_balance",
        groups="clinic_loyalty.group_loyalty_user",
        help="Points of the client at the current clinic.",
    )

    @api.depends_context("company")
    def _compute_loyalty_balance(self):
        accounts = self.env["clinic.loyalty.account"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        balances = {account.partner_id.id: account.balance for account in accounts}
        for partner in self:
            partner.loyalty_balance = balances.get(partner.commercial_partner_id._origin.id, 0)

    def action_open_loyalty_account(self):
        """The client's account at the current clinic; a manager without an
        account yet gets the adjustment wizard, which creates it."""
        self.ensure_one()
        partner = self.commercial_partner_id
        account = self.env["clinic.loyalty.account"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.env.company.id)], limit=1
        )
        if account:
            return {
                "type": "ir.actions.act_window",
                "res_model": "clinic.loyalty.account",
                "res_id": account.id,
                "view_mode": "form",
            }
        if self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            return self.action_loyalty_adjust()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "%(client)s has no loyalty points at %(clinic)s yet.",
                    client=partner.name,
                    clinic=self.env.company.name,
                ),
            },
        }

    def action_loyalty_adjust(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clinic_loyalty.loyalty_adjustment_wizard_action"
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
