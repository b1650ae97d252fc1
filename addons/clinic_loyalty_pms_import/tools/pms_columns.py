"""The columns of a PMS invoice-line export: the one list of them.

Each :class:`Column` is at once a field of the parsed :class:`PmsRow` (same
name), the ``col_<name>`` setting of an export format
(``clinic.loyalty.pms.format``) that holds the column's header in the file,
and, when required, a mapping no profile may leave empty. Adding a column
here adds all three; the importer reads rows by name.
"""

from collections import namedtuple
from typing import NamedTuple

MAX_TEXT = 256  # characters kept of any text cell


class Column(NamedTuple):
    name: str
    label: str  # of the format's setting
    required: bool = False
    default: str | None = None  # header a new format expects
    size: int = MAX_TEXT  # characters kept of the cell (the staged field's width)
    help: str | None = None

    @property
    def field_name(self):
        """The format's setting holding this column's header."""
        return f"col_{self.name}"


COLUMNS = (
    Column("invoice", "Invoice number column", required=True, default="invoice_number", size=64),
    Column("date", "Date column", required=True, default="date"),
    Column("status", "Status column"),
    Column("client_ref", "Client id column", required=True, default="client_id", size=64),
    Column("client_name", "Client name column"),
    Column("phone", "Phone column", size=64),
    Column("email", "Email column", size=128),
    Column("code", "Billing code column", required=True, default="code", size=64),
    Column("description", "Description column"),
    Column("quantity", "Quantity column"),
    Column(
        "amount",
        "Line amount column",
        required=True,
        default="amount",
        help="Untaxed total of the line, in the clinic's currency.",
    ),
    Column("patient", "Patient column"),
    Column(
        "row_type",
        "Row type column",
        help="Column telling charges, payments, discounts and summary rows apart (see Row types).",
    ),
    Column(
        "discount",
        "Discount column",
        help="Discount of the line; subtracted when the line amount is before discount.",
    ),
    Column("tax", "Tax column", help="Tax of the line; subtracted when the line amount includes tax."),
)

# One valid invoice line: its row in the file (physical CSV records, first =
# 1), then one value per column, parsed: ``date`` a date, ``quantity`` and
# ``amount`` Decimals (``amount`` is the line's eligible amount: net of
# discount, before tax), ``status`` the invoice's state read from the status
# column and the flag columns ('paid', 'open' or 'void'), the others text (''
# when the column is not mapped); ``kind`` is 'charge' or 'discount'.
PmsRow = namedtuple("PmsRow", ["row_number", *(column.name for column in COLUMNS), "kind"])
