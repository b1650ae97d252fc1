"""Invoices made from summary records (AVImark), not from a number column.

AVImark's account records are one stream: an ``I`` row sums up an invoice,
``S``/``T`` rows are its lines. In the public extractor (GitHub
knvideostudio/AviBtreeExtract, Common/recInvoice.pas) the invoice number of
an S/T record is read from the wrong variant of the record ("invoice number
is not correct", its own comment), so the lines carry 0 or unrelated numbers
and only the ``I`` record has the invoice's number. What ties a line to its
invoice is what both records carry: the client, the date and the animal.

:class:`SummaryIndex` is filled in a first pass over the file (one entry per
summary record and per client/date/animal of lines: memory grows with the
invoices, not the lines), then gives each line the number of its summary:
the summary of the same client, date and animal; else the one of the same
client and date without an animal; else, for a line without an animal, the
only summary of that client and date. A line no summary (or several) fits,
and an invoice whose lines do not add up to its summary's amount, are row
errors with both figures. Pure Python.
"""

from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from .pms_cells import parse_amount, parse_date

_ = LazyTranslate(__name__, default_lang="en_US")
_CENT = Decimal("0.01")


class SummaryIndex:
    def __init__(self, fmt):
        self.fmt = fmt
        self.summaries = {}  # (client, date, patient) -> [(number, amount, row)]
        self.by_day = {}  # (client, date) -> {patient}
        self.numbers = {}  # number -> row of its summary
        self.lines = {}  # (client, date, patient) -> [sum, first row]
        self.errors = []

    def skip(self, row, reason, values):
        """The ``skipped`` callback of the first pass: keeps the summary rows."""
        if reason != "summary":
            return
        date = parse_date(values["date"], self.fmt.date_formats)
        amount = parse_amount(values["amount"], self.fmt.decimal) if values["amount"] else Decimal(0)
        number, client = values["invoice"], values["client_ref"]
        if not number or not client or date is None or amount is None:
            self.errors.append(
                (
                    row,
                    _(
                        "This invoice summary record needs an invoice number, a client id, a date and an "
                        "amount (found %(number)r, %(client)r, %(date)r, %(amount)r).",
                        number=number[:40],
                        client=client[:40],
                        date=values["date"][:40],
                        amount=values["amount"][:40],
                    ),
                )
            )
            return
        if number in self.numbers:
            self.errors.append(
                (
                    row,
                    _(
                        "The invoice number %(number)s is also on the summary record of row %(other)s.",
                        number=number,
                        other=self.numbers[number],
                    ),
                )
            )
            return
        self.numbers[number] = row
        self.summaries.setdefault((client, date, values["patient"]), []).append((number, amount, row))
        self.by_day.setdefault((client, date), set()).add(values["patient"])

    def add_line(self, row):
        key = (row.client_ref, row.date, row.patient)
        total = self.lines.get(key)
        if total is None:
            self.lines[key] = [row.amount, row.row_number]
        else:
            total[0] += row.amount

    def _summary_of(self, key):
        """[(number, amount, row)] of the summaries that fit the lines of ``key``."""
        client, date, patient = key
        found = self.summaries.get(key) or self.summaries.get((client, date, ""))
        if found:
            return found
        patients = self.by_day.get((client, date)) or set()
        if not patient and len(patients) == 1:
            return self.summaries[(client, date, next(iter(patients)))]
        return []

    def check(self, errors):
        """Append to ``errors`` the lines no single summary fits and the
        summaries their lines do not add up to."""
        for item in self.errors:
            errors.append(item)
        totals = {}
        for key, (amount, row) in self.lines.items():
            found = self._summary_of(key)
            if len(found) != 1:
                errors.append((row, self._unfit(key, found)))
                continue
            number = found[0][0]
            totals[number] = totals.get(number, Decimal(0)) + amount
        for entries in self.summaries.values():
            for number, amount, row in entries:
                lines = totals.get(number, Decimal(0))
                if abs(lines - amount) >= _CENT:
                    errors.append(
                        (
                            row,
                            _(
                                "The lines of invoice %(number)s add up to %(lines)s, its summary record "
                                "says %(total)s: export the invoice again or correct it in the PMS.",
                                number=number,
                                lines=f"{lines:.2f}",
                                total=f"{amount:.2f}",
                            ),
                        )
                    )

    def _unfit(self, key, found):
        client, date, patient = key
        if found:
            return _(
                "Several invoice summary records (%(numbers)s) are for client %(client)s, patient "
                "%(patient)s on %(date)s: their lines cannot be told apart.",
                numbers=", ".join(n for n, _a, _r in found),
                client=client,
                patient=patient or "-",
                date=date.isoformat(),
            )
        return _(
            "No invoice summary record is for client %(client)s, patient %(patient)s on %(date)s: "
            "export the invoice with its summary record.",
            client=client,
            patient=patient or "-",
            date=date.isoformat(),
        )

    def number_of(self, row):
        """The invoice number of a line (its own when no single summary fits:
        the first pass has reported it)."""
        found = self._summary_of((row.client_ref, row.date, row.patient))
        return found[0][0] if len(found) == 1 else row.invoice
