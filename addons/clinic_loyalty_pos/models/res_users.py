from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _loyalty_otp_staff_groups(self):
        return super()._loyalty_otp_staff_groups() + ["point_of_sale.group_pos_user"]
