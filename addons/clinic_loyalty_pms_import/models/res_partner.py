from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _loyalty_has_stake(self):
        """A contact linked to a PMS client earns from its imported invoices:
        who it belongs to is a Loyalty Manager's call, as for an account."""
        if super()._loyalty_has_stake():
            return True
        partners = self.with_context(active_test=False)
        people = partners | partners.commercial_partner_id
        return bool(
            self.env["clinic.loyalty.pms.client.ref"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "in", people.ids)], limit=1)
        )
