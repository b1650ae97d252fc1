from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ClinicLoyaltyAllocation(models.Model):
    """What a taking (redemption, reversal, negative adjustment, expiry)
    drew from which lot: written with the taking, by
    ``clinic.loyalty.lot._draw``, never changed.

    A lot's points minus its allocations is its ``remaining``.
    """

    _name = "clinic.loyalty.allocation"
    _description = "Loyalty points drawn from a lot"
    _order = "id"
    # Written in bulk beside the ledger (whose entries say who and when):
    # no per-row user and date columns, and their foreign keys, to maintain.
    _log_access = False

    entry_id = fields.Many2one(
        "clinic.loyalty.entry",
        string="Drawn by",
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The taking; empty only when a negative balance carried from before lots existed is settled.",
    )
    lot_id = fields.Many2one(
        "clinic.loyalty.lot", required=True, readonly=True, index=True, ondelete="restrict"
    )
    account_id = fields.Many2one(related="lot_id.account_id", store=False)
    company_id = fields.Many2one(related="lot_id.company_id", store=False)
    expiry_date = fields.Date(related="lot_id.expiry_date", store=False)
    points = fields.Integer(required=True, readonly=True)

    _sql_constraints = [
        ("points_positive", "check(points > 0)", "An allocation draws a positive number of points."),
    ]

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(_("Allocations are recorded by the loyalty programme when it takes points."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("Allocations cannot be changed: post a correcting adjustment instead."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Allocations cannot be deleted: post a correcting adjustment instead."))
