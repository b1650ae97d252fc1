"""One data row of an export, read: its kind, cells, amounts and state.

The eligible amount of a line is net of discount and before tax: a line
amount before discount loses its discount column, one including tax loses
its tax column; a negative quantity at a positive price is a return (the
amount turns negative); a discount line takes off its invoice (gives back on
a return). Amounts in exponent notation are refused with a row error.
"""

from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from .pms_cells import is_exponent, parse_amount, parse_date, parse_text
from .pms_columns import PmsRow
from .pms_rows import CHARGE, DISCOUNT

_ = LazyTranslate(__name__, default_lang="en_US")
FIELDS = PmsRow._fields[1:-1]


def parse_record(record, index, flag_index, fmt, row, errors, skipped):
    before = len(errors)
    rules = fmt.rules
    nulls = rules.null_words
    values = dict.fromkeys(FIELDS, "")
    for column, i in index.items():
        value = parse_text(record[i], row, fmt.columns[column.name], errors)[: column.size]
        values[column.name] = "" if value and value.lower() in nulls else value
    flags = {name: "" if rules.is_null(record[i]) else record[i] for name, i in flag_index.items()}
    kind, reason = rules.classify(values["row_type"], values["code"], flags)
    if reason:
        if skipped:
            skipped(row, reason, values)
        return None
    if not values["invoice"] and not fmt.group_by_summary:  # else: the summary record's number
        errors.append((row, _("The invoice number is empty.")))
    if not values["client_ref"]:
        errors.append((row, _("The client id is empty.")))
    if not values["code"] and kind == CHARGE:
        errors.append((row, _("The billing code is empty.")))
    date = parse_date(values["date"], fmt.date_formats)
    if date is None:
        errors.append(
            (
                row,
                _(
                    "Cannot read the date %(value)r with the formats %(format)s.",
                    value=values["date"][:40],
                    format=fmt.date_format,
                ),
            )
        )
    numbers = {}
    for name, default in (("amount", None), ("quantity", Decimal(1)), ("discount", 0), ("tax", 0)):
        numbers[name] = _number(values[name], default, name, fmt, row, errors)
    if len(errors) > before:
        return None
    amount, quantity = numbers["amount"], numbers["quantity"]
    if quantity < 0 < amount:  # a return written as a negative quantity at a positive price
        amount = -amount
    sign = -1 if amount < 0 or quantity < 0 else 1
    if fmt.amount_before_discount:
        amount -= sign * abs(numbers["discount"])
    if fmt.amount_includes_tax:
        amount -= sign * abs(numbers["tax"])
    if kind == DISCOUNT:  # takes off its invoice (gives back on a return)
        amount = abs(amount) if quantity < 0 else -abs(amount)
    status = values["status"].lower()
    state = "void" if status in fmt.void_statuses else "open" if status in fmt.open_statuses else "paid"
    values.update(
        date=date,
        status=rules.state(state, flags),
        email=values["email"].lower(),
        quantity=quantity,
        amount=amount,
        discount=numbers["discount"],
        tax=numbers["tax"],
    )
    return PmsRow(row_number=row, kind=kind, **values)


def _number(value, default, name, fmt, row, errors):
    if not value and default is not None:
        return default
    number = parse_amount(value, fmt.decimal)
    if number is None:
        if is_exponent(value):
            errors.append(
                (
                    row,
                    _(
                        "The %(column)s %(value)r is in exponent notation: export the column as a plain "
                        "number (e.g. 1500.00).",
                        column=fmt.columns[name],
                        value=value[:40],
                    ),
                )
            )
        else:
            errors.append(
                (row, _("Cannot read the %(column)s %(value)r.", column=fmt.columns[name], value=value[:40]))
            )
    return number
