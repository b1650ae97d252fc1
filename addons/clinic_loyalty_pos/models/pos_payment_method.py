from odoo import api, models

from .pos_config import HIDE


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    def _get_payment_terminal_selection(self):
        return super()._get_payment_terminal_selection() + [("clinic_loyalty", "Loyalty points")]

    @api.model
    def _search(self, domain, *args, **kwargs):
        if self.env.context.get(HIDE):
            # only narrows what Odoo's defaults see (pos_config.py)
            domain = [*domain, ("use_payment_terminal", "!=", "clinic_loyalty")]
        return super()._search(domain, *args, **kwargs)
