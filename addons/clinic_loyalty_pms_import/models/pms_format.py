from odoo import fields, models

from ..tools.pms_columns import COLUMNS
from ..tools.pms_parser import Format, RowRules

PMS_SYSTEMS = [
    ("cornerstone", "Cornerstone"),
    ("avimark", "AVImark"),
    ("impromed", "ImproMed"),
    ("generic", "Generic CSV"),
]


# The settings ``Format.check()`` validates: a profile re-checks its format
# when one of them changes.
CHECKED_FIELDS = (
    "delimiter",
    "encoding",
    "date_format",
    "decimal_separator",
    "client_col_ref",
    "client_col_name",
    "client_col_phone",
    "client_col_email",
    "invoice_grouping",
    "summary_types",
    *(column.field_name for column in COLUMNS if column.required),
)


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
    delimiter = fields.Char(
        default=",", size=2, help="One character; \\t for a tab. Empty: detected from the header row."
    )
    encoding = fields.Char(
        default="utf-8",
        help="utf-8, cp1252, latin-1... Empty: detected (a byte-order mark, else UTF-8 if the whole file "
        "reads as UTF-8, else Windows-1252).",
    )
    date_format = fields.Char(
        string="Date formats",
        required=True,
        default="%Y-%m-%d",
        help="strftime codes, e.g. %m/%d/%Y; several separated by ';' are tried in order; 'iso' reads ISO "
        "8601 dates (fractional seconds, offsets, SQL Server datetimes). A time after the date is ignored.",
    )
    header_search_rows = fields.Integer(
        string="Header within the first rows",
        default=20,
        help="The header row is the first of these rows holding every mapped column: title and date-range "
        "lines before it are passed over.",
    )
    null_words = fields.Char(
        string="Missing-value words", default="NULL", help="Cell values read as empty (comma-separated)."
    )
    skip_markers = fields.Char(
        string="Skip lines starting with",
        default="total,grand total,subtotal",
        help="Comma-separated: a line whose first non-empty cell starts with one of these (a totals or "
        "summary line) is skipped. Blank lines are always skipped.",
    )
    summary_types = fields.Char(
        string="Summary row types", help="Values of the row type column for rows to skip (e.g. AVImark I)."
    )
    payment_types = fields.Char(
        help="Values of the row type column for payments: ignored for points, never billing codes."
    )
    discount_types = fields.Char(
        help="Values of the row type column for discount lines: they reduce their invoice's eligible "
        "amount and never earn."
    )
    discount_codes = fields.Char(
        help="Billing codes of discount lines (comma-separated): they reduce their invoice's eligible "
        "amount and never earn."
    )
    charge_types = fields.Char(
        help="Values of the row type column for charges. Empty: every row that is not a summary, payment "
        "or discount is a charge; set: rows of any other type are skipped."
    )
    void_flags = fields.Char(
        string="Voided / deleted flag columns",
        help="Comma-separated headers of yes/no columns: true on any row voids its invoice (earns nothing; "
        "points already earned are taken back).",
    )
    posted_flags = fields.Char(
        string="Posted flag columns",
        help="Comma-separated headers of yes/no columns that must be true for the invoice to count as paid "
        "(not posted / not concluded: it waits, earning nothing).",
    )
    payment_flags = fields.Char(
        string="Payment flag columns", help="Comma-separated headers of yes/no columns true on payment rows."
    )
    true_words = fields.Char(
        default="true,1,y,yes", help="Values of the flag columns meaning true (comma-separated)."
    )
    amount_before_discount = fields.Boolean(
        help="The line amount is before discount: the discount column is subtracted."
    )
    amount_includes_tax = fields.Boolean(help="The line amount includes tax: the tax column is subtracted.")
    client_col_ref = fields.Char(
        string="Client file: client id column",
        help="Set when the PMS exports clients in a second file: the column holding the client id the "
        "lines carry.",
    )
    client_col_name = fields.Char(
        string="Client file: name columns", help="Comma-separated; several are joined (first, last name)."
    )
    client_col_phone = fields.Char(
        string="Client file: phone columns",
        help="Comma-separated; several are joined (area code, number).",
    )
    client_col_email = fields.Char(
        string="Client file: email columns", help="Comma-separated; the first non-empty one is used."
    )
    lines_file_pattern = fields.Char(
        default="*",
        help="Drop folder: names of invoice-line files, '*' standing for any text (e.g. transactions-*.csv).",
    )
    client_file_pattern = fields.Char(
        help="Drop folder: names of client files; the '*' takes the text of the lines file's '*' (e.g. "
        "clients-*.csv pairs clients-0314.csv with transactions-0314.csv). A lines file waits for its "
        "client file.",
    )
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
    sheet_name = fields.Char(
        help="Excel workbooks: the sheet to read. Empty: the first sheet whose first rows hold the header."
    )
    invoice_grouping = fields.Selection(
        [("number", "Invoice number column"), ("summary", "Invoice summary record")],
        required=True,
        default="number",
        help="How lines make invoices. Invoice number column: lines with the same number. Invoice summary "
        "record (AVImark): each line belongs to the summary row (a row type listed under Summary row "
        "types) of the same client, date and patient (client and date when the line has no patient); "
        "the invoice takes the summary's number and its lines must add up to the summary's amount.",
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
            rules=RowRules(
                skip_markers=self.skip_markers,
                summary_types=self.summary_types,
                payment_types=self.payment_types,
                discount_types=self.discount_types,
                charge_types=self.charge_types,
                discount_codes=self.discount_codes,
                void_flags=self.void_flags,
                posted_flags=self.posted_flags,
                payment_flags=self.payment_flags,
                true_words=self.true_words,
                null_words=self.null_words,
            ),
            amount_before_discount=self.amount_before_discount,
            amount_includes_tax=self.amount_includes_tax,
            header_rows=self.header_search_rows,
            client_columns=self._client_columns(),
            sheet_name=self.sheet_name,
            group_by_summary=self.invoice_grouping == "summary",
        )

    def _client_columns(self):
        """The client file's columns, or None when the export is one file."""
        if not (
            self.client_col_ref or self.client_col_name or self.client_col_phone or self.client_col_email
        ):
            return None
        return {
            "ref": self.client_col_ref,
            "name": self.client_col_name,
            "phone": self.client_col_phone,
            "email": self.client_col_email,
        }

    def _format_values(self):
        """Every setting of the format (what a preset gives a profile)."""
        self.ensure_one()
        settings = self.env["clinic.loyalty.pms.format"]._fields.values()
        return {field.name: self[field.name] for field in settings if not field.automatic}
