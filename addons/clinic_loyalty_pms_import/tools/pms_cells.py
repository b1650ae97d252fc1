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
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES_RE = re.compile(r"[\t\r\n]|\s{2,}")
_TIME_SUFFIXES = ("", " %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "T%H:%M:%S")


def parse_text(value, row, name, errors):
    value = value.strip()
    if _CONTROL_RE.search(value):
        errors.append((row, _("%(column)s contains control characters: is this a binary file?", column=name)))
        return ""
    if _SPACES_RE.search(value):
        value = " ".join(value.split())
    return value[:MAX_TEXT]


def parse_amount(value, decimal):
    """Decimal with 2 digits from '1,234.50', '(12.00)', '$ -3', '1.234,50'; None when unparsable."""
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


@functools.lru_cache(maxsize=4096)  # exports repeat a few hundred dates: parse each once
def parse_date(value, date_format):
    value = value.strip()
    for suffix in _TIME_SUFFIXES:
        try:
            parsed = datetime.strptime(value, date_format + suffix)
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2200:
            return parsed.date()
    return None
