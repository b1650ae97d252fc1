"""The weekly balance check also proves the books: a clinic whose liability
account does not carry the value of its booked points is reported."""
# The books are their own idea (loyalty_account.py holds the ledger):
# pylint: disable=consider-merging-classes-inherited

import logging

from odoo import _, api, models

_logger = logging.getLogger(__name__)


class ClinicLoyaltyAccount(models.Model):
    _inherit = "clinic.loyalty.account"

    @api.model
    def _cron_check_balances(self):
        drift = super()._cron_check_balances()
        for company, difference in self.env["res.company"].sudo()._loyalty_liability_drift():
            _logger.warning(
                "Loyalty liability drift at %s (%s): the liability account is off the points' value by %s",
                company.id,
                company.name,
                difference,
            )
            company.partner_id.message_post(
                body=_(
                    "Points liability check: the liability account differs from the value of the booked "
                    "points by %(difference)s. Open Loyalty → Reporting → Points liability and look for an "
                    "entry booked by hand on the liability account.",
                    difference=company.currency_id.format(difference),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return drift
