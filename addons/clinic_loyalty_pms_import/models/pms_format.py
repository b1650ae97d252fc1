from odoo import fields, models

from ..tools.pms_parser import Format

PMS_SYSTEMS = [
    ("cornerstone", "Cornerstone"),
    ("avimark", "AVImark"),
    ("impromed", "ImproMed"),
    ("generic", "Generic CSV"),
]
FORMAT_FIELDS = [
    "pms",
    "delimiter",
    "encoding",
    "date_format",
    "decimal_separator",
    "void_statuses",
    "open_statuses",
    "col_invoice",
    "col_date",
    "col_status",
    "col_client_ref",
    "col_client_name",
    "col_phone",
    "col_email",
    "col_code",
    "col_description",
    "col_quantity",
    "col_amount",
    "col_patient",
]


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
    col_invoice = fields.Char(string="Invoice number column", required=True, default="invoice_number")
    col_date = fields.Char(string="Date column", required=True, default="date")
    col_status = fields.Char(string="Status column")
    col_client_ref = fields.Char(string="Client id column", required=True, default="client_id")
    col_client_name = fields.Char(string="Client name column")
    col_phone = fields.Char(string="Phone column")
    col_email = fields.Char(string="Email column")
    col_code = fields.Char(string="Billing code column", required=True, default="code")
    col_description = fields.Char(string="Description column")
    col_quantity = fields.Char(string="Quantity column")
    col_amount = fields.Char(
        string="Line amount column",
        required=True,
        default="amount",
        help="Untaxed total of the line, in the clinic's currency.",
    )
    col_patient = fields.Char(string="Patient column")

    def _pms_format(self):
        self.ensure_one()
        columns = {
            "invoice": self.col_invoice,
            "date": self.col_date,
            "status": self.col_status,
            "client_ref": self.col_client_ref,
            "client_name": self.col_client_name,
            "phone": self.col_phone,
            "email": self.col_email,
            "code": self.col_code,
            "description": self.col_description,
            "quantity": self.col_quantity,
            "amount": self.col_amount,
            "patient": self.col_patient,
        }
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
        self.ensure_one()
        return {f: self[f] for f in FORMAT_FIELDS}
