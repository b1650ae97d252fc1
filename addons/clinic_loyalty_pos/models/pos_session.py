from odoo import _, api, models

from odoo.addons.clinic_loyalty.models.account_payment_points import BOOKED_ELSEWHERE


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        return super()._load_pos_data_models(config_id) + ["clinic.loyalty.reward"]

    def _create_bank_payment_moves(self, data):
        """The closing entry books the "Loyalty points" payments on the
        liability: their points were spent with the orders."""
        token = BOOKED_ELSEWHERE.set(True)
        try:
            return super()._create_bank_payment_moves(data)
        finally:
            BOOKED_ELSEWHERE.reset(token)

    def _create_combine_account_payment(self, payment_method, amounts, diff_amount):
        """The "Loyalty points" payments of a session, combined, on the
        liability: Dr liability when points paid, Cr liability when points
        were given back (Odoo 18 swaps the accounts of a negative amount, then
        recomputes the outstanding one from the method, so both lines land on
        the liability and the POS receivable keeps a credit). On a loyalty
        training shop no points were taken: the trial's value goes to the
        points earned account, the liability is untouched."""
        if payment_method.use_payment_terminal != "clinic_loyalty":
            return super()._create_combine_account_payment(payment_method, amounts, diff_amount)
        training = self.config_id.loyalty_training
        negative = self.currency_id.compare_amounts(amounts["amount"], 0) < 0
        if not (negative or training):
            return super()._create_combine_account_payment(payment_method, amounts, diff_amount)
        outstanding = (
            self.company_id.loyalty_earned_account_id if training else payment_method.outstanding_account_id
        ) or payment_method.outstanding_account_id
        receivable = self._get_receivable_account(payment_method)
        payment = (
            self.env["account.payment"]
            .with_context(pos_payment=True)
            .create(
                {
                    "amount": abs(amounts["amount"]),
                    "payment_type": "outbound" if negative else "inbound",
                    "journal_id": payment_method.journal_id.id,
                    "force_outstanding_account_id": outstanding.id,
                    "destination_account_id": receivable.id,
                    "memo": _(
                        "Combine %(payment_method)s POS payments from %(session)s",
                        payment_method=payment_method.name,
                        session=self.name,
                    ),
                    "pos_payment_method_id": payment_method.id,
                    "pos_session_id": self.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        payment.action_post()
        if self.currency_id.compare_amounts(diff_amount, 0):
            self._apply_diff_on_account_payment_move(payment, payment_method, diff_amount)
        return payment.move_id.line_ids.filtered(lambda line: line.account_id == receivable)
