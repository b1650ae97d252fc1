"""Changing a clinic's loyalty liability account: the balance the old one
carries moves to the new one by a transfer entry, and everything that books
on it (the points-payment journal, and through the OTP addon the points
method of every shop) points at the new one."""
# The change of account is its own idea (res_company_accounting_settings.py
# checks who changes what): pylint: disable=consider-merging-classes-inherited

from odoo import _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        if not vals.get("loyalty_liability_account_id") or self.env.context.get("loyalty_accounting_setup"):
            return super().write(vals)
        old = {company: company.loyalty_liability_account_id for company in self}
        res = super().write(vals)
        for company, account in old.items():
            if account and account != company.loyalty_liability_account_id:
                company.sudo()._loyalty_move_liability(account, company.loyalty_liability_account_id)
        return res

    def _loyalty_liability_balance(self, account):
        self.ensure_one()
        self.env.flush_all()
        lines = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.id),
                    ("account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                ],
                aggregates=["balance:sum"],
            )
        )
        return lines[0][0] if lines else 0.0

    def _loyalty_move_liability(self, old, new):
        """Transfer the balance of ``old`` to ``new`` (dated today, in the
        loyalty journal) and re-point what books on the liability."""
        self.ensure_one()
        if new.account_type != "liability_current":
            raise UserError(
                _(
                    "The loyalty liability account must be a current liability: %(account)s is not.",
                    account=new.display_name,
                )
            )
        balance = self._loyalty_liability_balance(old)
        if not self.currency_id.is_zero(balance):
            if not self.loyalty_journal_id:
                raise UserError(
                    _(
                        "%(clinic)s has no loyalty journal to transfer the points liability in: set it in "
                        "Loyalty → Settings first.",
                        clinic=self.name,
                    )
                )
            label = _(
                "Loyalty points liability moved from %(old)s to %(new)s",
                old=old.display_name,
                new=new.display_name,
            )
            transfer = (
                self.env["account.move"]
                .with_company(self)
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": self.loyalty_journal_id.id,
                        "date": fields.Date.context_today(self.with_company(self)),
                        "ref": label,
                        "line_ids": [
                            fields.Command.create({"name": label, "account_id": old.id, "balance": -balance}),
                            fields.Command.create({"name": label, "account_id": new.id, "balance": balance}),
                        ],
                    }
                )
            )
            transfer.action_post()
        self._loyalty_repoint_liability(old, new)
        # Odoo makes a payment account reconcilable: points payments are
        # settled when paid, nothing waits on a statement.
        new.reconcile = False

    def _loyalty_repoint_liability(self, old, new):
        """Everything that booked on ``old`` books on ``new`` (extended by the
        addons that add payment methods on the points liability)."""
        self.ensure_one()
        journal = self.loyalty_payment_journal_id
        if not journal:
            return
        if journal.default_account_id == old:
            journal.default_account_id = new
        (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).filtered(
            lambda line: line.payment_account_id in (old, self.env["account.account"])
        ).payment_account_id = new
