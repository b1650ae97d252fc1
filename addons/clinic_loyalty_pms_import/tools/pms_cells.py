"""Reading one cell of a PMS export: text, amounts, dates (pure Python)."""

import functools
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from odoo.tools.translate import LazyTranslate

from .pms_columns import MAX_TEXT

_ = LazyTranslate(__name__, default_lang="en_US")

MAX_AMOUNT = Decimal("1000000000")
_AMOUNT_RE = re.compile(r"^\d+(\.\d{1,4})?$")
_PLAIN_RE = re.compile(r"^-?\d{1,12}(\.\d{1,4})?$")
_CENT = Decimal("0.01")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES_RE = re.compile(r"[\t\r\n]|\s{2,}")
_EXPONENT_RE = re.compile(r"^[-+(]?[$€£]?\d*[.,]?\d+[eE][-+]?\d+\)?$")
_TIME_SUFFIXES = (
    "",
    " %H:%M:%S",
    " %H:%M",
    " %I:%M:%S %p",
    " %I:%M %p",
    "T%H:%M:%S",
    " %H:%M:%S.%f",
    "T%H:%M:%S.%f",
)
ISO = "iso"  # in a profile's list of date formats: ISO 8601 (fractional seconds, offsets, SQL Server)


def parse_text(value, row, name, errors):
    value = value.strip()
    if value.isprintable() and "  " not in value:  # the usual cell: no control, tab or line break
        return value[:MAX_TEXT]
    if _CONTROL_RE.search(value):
        errors.append((row, _("%(column)s contains control characters: is this a binary file?", column=name)))
        return ""
    if _SPACES_RE.search(value):
        value = " ".join(value.split())
    return value[:MAX_TEXT]


def parse_amount(value, decimal):
    """Decimal with 2 digits from '1,234.50', '(12.00)', '$ -3', '1.234,50'; None when unparsable."""
    if decimal == "." and _PLAIN_RE.match(value):  # the usual cell: '-12.50', '1', '0.00'
        amount = Decimal(value).quantize(_CENT)
        return amount if abs(amount) < MAX_AMOUNT else None
    value = value.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    for symbol in ("$", "€", "£", "USD", "EUR", "GBP", "CAD", "AUD"):
        value = value.replace(symbol, "")
    if value.startswith("-"):
        negative, value = not negative, value[1:]
    elif value.endswith("-"):
        negative, value = not negative, value[:-1]
    thousands = "," if decimal == "." else "."
    value = value.replace(thousands, "")
    if decimal == ",":
        value = value.replace(",", ".")
    if not _AMOUNT_RE.match(value):
        return None
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    if amount >= MAX_AMOUNT:
        return None
    return -amount if negative else amount


def is_exponent(value):
    """'1.5E+02': how a float column of SQL Server or Excel may print. Refused,
    not guessed: say so rather than 'cannot read'."""
    return bool(_EXPONENT_RE.match(value.strip().replace(" ", "")))


def date_formats(text):
    """The profile's date formats ('%m/%d/%Y; iso') as a tuple, in order."""
    return tuple(f.strip() for f in (text or "").replace("\n", ";").split(";") if f.strip())


@functools.lru_cache(maxsize=4096)  # exports repeat a few hundred dates: parse each once
def parse_date(value, formats):
    """The date of ``value`` read with the first of ``formats`` that fits (a
    time after the date is accepted and dropped; with an offset, the date is
    the one written, the clinic's local day); None when none fits."""
    value = value.strip()
    for date_format in formats:
        if date_format == ISO:
            parsed = _parse_iso(value)
            if parsed:
                return parsed
            continue
        for suffix in _TIME_SUFFIXES:
            try:
                parsed = datetime.strptime(value, date_format + suffix)
            except ValueError:
                continue
            if 1900 <= parsed.year <= 2200:
                return parsed.date()
    return None


def _parse_iso(value):
    # Python 3.11 reads '2026-03-14T10:30:00.1234567+02:00', 'Z' and SQL
    # Server's '2026-03-14 10:30:00.000'.
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.date() if 1900 <= parsed.year <= 2200 else None
