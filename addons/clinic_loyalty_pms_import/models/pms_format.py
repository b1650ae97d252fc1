from odoo import fields, models

from ..tools.pms_columns import COLUMNS
from ..tools.pms_parser import Format

PMS_SYSTEMS = [
    ("cornerstone", "Cornerstone"),
    ("avimark", "AVImark"),
    ("impromed", "ImproMed"),
    ("generic", "Generic CSV"),
]


def _column_field(column):
    """The format's setting for ``column``: its header in the file."""
    return fields.Char(
        string=column.label, required=column.required, default=column.default, help=column.help
    )


class ClinicLoyaltyPmsFormat(models.AbstractModel):
    """How an invoice-line export of a PMS reads: shared by presets and profiles."""

    _name = "clinic.loyalty.pms.format"
    _description = "PMS export format"

    pms = fields.Selection(PMS_SYSTEMS, string="Practice management system", required=True, default="generic")
    delimiter = fields.Char(required=True, default=",", size=2, help="One character; \\t for a tab.")
    encoding = fields.Char(required=True, default="utf-8", help="utf-8, cp1252, latin-1...")
    date_format = fields.Char(required=True, default="%Y-%m-%d", help="strftime codes, e.g. %m/%d/%Y.")
    decimal_separator = fields.Selection(
        [(".", "Point (1,234.50)"), (",", "Comma (1.234,50)")], required=True, default="."
    )
    void_statuses = fields.Char(
        default="void,voided,deleted,cancelled,canceled",
        help="Comma-separated values of the status column meaning the invoice was voided: its points "
        "are reversed.",
    )
    open_statuses = fields.Char(
        default="open,unpaid,pending,estimate",
        help="Comma-separated values of the status column meaning the invoice is not paid yet: it earns "
        "nothing until an import shows it paid. Any other value counts as paid.",
    )
    # One ``col_<name>`` setting per column of the export (tools/pms_columns.py).
    locals().update({column.field_name: _column_field(column) for column in COLUMNS})

    def _pms_format(self):
        self.ensure_one()
        columns = {column.name: self[column.field_name] for column in COLUMNS}
        return Format(
            columns,
            delimiter=self.delimiter,
            encoding=self.encoding,
            date_format=self.date_format,
            decimal=self.decimal_separator,
            void_statuses=self.void_statuses,
            open_statuses=self.open_statuses,
        )

    def _format_values(self):
        """Every setting of the format (what a preset gives a profile)."""
        self.ensure_one()
        settings = self.env["clinic.loyalty.pms.format"]._fields.values()
        return {field.name: self[field.name] for field in settings if not field.automatic}
