"""A daily loyalty entry leaves the books only by an accounting manager's
hand (reset to draft, cancel, reverse, delete), and then its ledger entries
are unbooked: the next daily run books them again."""
# One idea per file (account_move.py is the accrual source):
# pylint: disable=consider-merging-classes-inherited

from odoo import _, fields, models
from odoo.exceptions import AccessError


class AccountMove(models.Model):
    _inherit = "account.move"

    loyalty_entry_count = fields.Integer(
        string="Loyalty ledger entries",
        compute="_compute_loyalty_entry_count",
        help="Ledger entries this daily loyalty entry booked.",
    )

    def _compute_loyalty_entry_count(self):
        daily_of = {d.move_id.id: d for d in self._loyalty_daily_rows()}
        for move in self:
            daily = daily_of.get(move.id)
            move.loyalty_entry_count = len(daily.entry_ids) if daily else 0

    def action_open_loyalty_entries(self):
        """From a daily loyalty entry to the ledger entries it booked."""
        self.ensure_one()
        daily = self._loyalty_daily_rows()
        return {
            "type": "ir.actions.act_window",
            "name": _("Ledger entries booked"),
            "res_model": "clinic.loyalty.entry",
            "view_mode": "list,form",
            "domain": [("id", "in", daily.entry_ids.ids)],
        }

    def _loyalty_daily_rows(self):
        if not self.ids:
            return self.env["clinic.loyalty.daily.move"]
        return self.env["clinic.loyalty.daily.move"].sudo().search([("move_id", "in", self.ids)])

    def _loyalty_unbook_daily(self):
        """Check who asks, then unbook the daily entries among ``self``."""
        daily = self._loyalty_daily_rows()
        if not daily:
            return
        if not (self.env.su or self.env.user.has_group("account.group_account_manager")):
            raise AccessError(
                _(
                    "Only accounting managers reset, cancel, reverse or delete a daily loyalty entry "
                    "(%(entries)s): its points would stay off the books.",
                    entries=", ".join(daily.move_id.mapped("display_name")),
                )
            )
        daily._loyalty_unbook()

    def button_draft(self):
        self.filtered(lambda m: m.state == "posted")._loyalty_unbook_daily()
        return super().button_draft()

    def button_cancel(self):
        self._loyalty_unbook_daily()
        return super().button_cancel()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        self._loyalty_unbook_daily()
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def unlink(self):
        self._loyalty_unbook_daily()
        return super().unlink()
