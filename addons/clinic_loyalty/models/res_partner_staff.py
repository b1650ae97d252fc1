# pylint: disable=consider-merging-classes-inherited
# (res_partner.py guards who a client belongs to; this file keeps clients
# from becoming part of a member of staff: two ideas, two files.)
from odoo import _, api, models
from odoo.exceptions import AccessError

from .account_move_frozen import COMMERCIAL_SYNC


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        self._loyalty_check_staff_parent([vals.get("parent_id") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("parent_id") and any(partner.parent_id.id != vals["parent_id"] for partner in self):
            self._loyalty_check_staff_parent([vals["parent_id"]])
        if "parent_id" not in vals:
            return super().write(vals)
        # Odoo moves the contact's documents to its new commercial partner:
        # allowed on posted ones (who may re-parent is decided in res_partner.py).
        token = COMMERCIAL_SYNC.set(True)
        try:
            return super().write(vals)
        finally:
            COMMERCIAL_SYNC.reset(token)

    @api.model
    def _loyalty_staff_contacts(self, partner_ids):
        """Those of ``partner_ids`` that are the contact of an internal user."""
        users = (
            self.env["res.users"]
            .sudo()
            .search([("partner_id", "in", [pid for pid in partner_ids if pid]), ("share", "=", False)])
        )
        return users.partner_id

    @api.model
    def _loyalty_check_staff_parent(self, parent_ids):
        """A contact under an internal user's contact earns on it: nobody
        (whatever their rights) files a contact under a member of staff."""
        staff = self._loyalty_staff_contacts(parent_ids)
        if staff:
            raise AccessError(
                _(
                    "%(staff)s is the contact of a user of the clinic: no contact can be filed under it. "
                    "Create the client as a contact of their own.",
                    staff=", ".join(staff.mapped("display_name")),
                )
            )
