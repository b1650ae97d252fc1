from odoo import fields, models


# pylint: disable=consider-merging-classes-inherited
# The client's next expiry for staff, in its own file (one idea per file).
class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty_expiry_summary = fields.Char(
        string="Points expiring",
        compute="_compute_loyalty_expiry_summary",
        groups="clinic_loyalty.group_loyalty_user",
        help="The client's points at the current clinic that expire next, and when.",
    )

    def _compute_loyalty_expiry_summary(self):
        accounts = self.env["clinic.loyalty.account"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {account.partner_id.id: account for account in accounts}
        for partner in self:
            account = by_partner.get(partner.commercial_partner_id._origin.id)
            partner.loyalty_expiry_summary = account._loyalty_expiry_text() if account else False
