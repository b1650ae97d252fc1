"""A new point of sale gets Odoo's own Cash and Card methods as if the
"Loyalty points" method did not exist (Odoo takes any bank method as the
card one); the clinic adds "Loyalty points" to the shop when it wants it."""
# pylint: disable=consider-merging-classes-inherited

from odoo import models

HIDE = "clinic_loyalty_hide_points_method"


class PosConfig(models.Model):
    _inherit = "pos.config"

    def _default_payment_methods(self):
        return super(PosConfig, self.with_context(**{HIDE: True}))._default_payment_methods()

    def _create_journal_and_payment_methods(self, cash_ref=None, cash_journal_vals=None):
        return super(PosConfig, self.with_context(**{HIDE: True}))._create_journal_and_payment_methods(
            cash_ref=cash_ref, cash_journal_vals=cash_journal_vals
        )
