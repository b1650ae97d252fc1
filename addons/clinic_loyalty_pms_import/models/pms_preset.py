from odoo import fields, models


class ClinicLoyaltyPmsPreset(models.Model):
    """A ready-made format for one PMS's usual invoice-line report.

    No public specification of these exports exists: the shipped presets
    follow the columns each system's invoice-line report usually has, and a
    clinic adjusts them (here or on its profile) to its own export.
    """

    _name = "clinic.loyalty.pms.preset"
    _inherit = ["clinic.loyalty.pms.format"]
    _description = "PMS export preset"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    note = fields.Text(translate=True)
