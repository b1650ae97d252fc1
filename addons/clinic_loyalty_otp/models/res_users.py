from odoo import _, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    _inherit = "res.users"

    def _loyalty_otp_staff_groups(self):
        """The groups whose members may send and check codes for clients (a
        sales channel adds its own, e.g. the point of sale's users)."""
        return ["clinic_loyalty.group_loyalty_user"]

    def _loyalty_check_otp_staff(self):
        """Raise unless this user may send and check codes for clients."""
        self.ensure_one()
        if not any(self.has_group(group) for group in self._loyalty_otp_staff_groups()):
            raise AccessError(_("Only front-desk and point-of-sale staff can spend loyalty points."))
