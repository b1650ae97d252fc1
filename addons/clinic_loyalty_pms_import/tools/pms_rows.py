"""What a row of an export is: a charge, a discount, or a row to skip.

Exports mix rows that are not invoice lines with those that are: totals
lines, invoice summary rows (AVImark's ``I`` records), payments (a row of the
same stream in Cornerstone's DataPoint transactions). A profile says how to
tell them apart (row type values, billing codes, flag columns); the
:class:`RowRules` built from it classifies each row and reads the invoice's
state from its flag columns (voided, deleted, not posted). Pure Python.
"""

from odoo.tools.translate import LazyTranslate

_ = LazyTranslate(__name__, default_lang="en_US")

CHARGE, DISCOUNT = "charge", "discount"
# Why a row is skipped: key -> label (the preview and the report count them by key).
SKIP_REASONS = {
    "total": _("totals or title line"),
    "summary": _("invoice summary row"),
    "payment": _("payment (earns nothing, never a billing code)"),
    "other_type": _("row type not listed as a charge"),
}


def word_set(text):
    return {w.strip().lower() for w in (text or "").split(",") if w.strip()}


class RowRules:
    """The row filters and status flags of one profile (comma-separated lists,
    compared case-insensitively)."""

    def __init__(
        self,
        skip_markers="",
        summary_types="",
        payment_types="",
        discount_types="",
        charge_types="",
        discount_codes="",
        void_flags="",
        posted_flags="",
        payment_flags="",
        true_words="true,1,y,yes",
        null_words="null",
    ):
        self.skip_markers = tuple(word_set(skip_markers))
        self.summary_types = word_set(summary_types)
        self.payment_types = word_set(payment_types)
        self.discount_types = word_set(discount_types)
        self.charge_types = word_set(charge_types)
        self.discount_codes = word_set(discount_codes)
        self.void_flags = sorted(word_set(void_flags))
        self.posted_flags = sorted(word_set(posted_flags))
        self.payment_flags = sorted(word_set(payment_flags))
        self.true_words = word_set(true_words)
        self.null_words = word_set(null_words)

    def flag_columns(self):
        """Headers of the flag columns the file must have."""
        return {*self.void_flags, *self.posted_flags, *self.payment_flags}

    def is_null(self, value):
        return value.strip().lower() in self.null_words

    def is_total(self, record):
        """A totals or title line: its first non-empty cell starts with a marker."""
        first = next((cell.strip().lower() for cell in record if cell.strip()), "")
        return bool(self.skip_markers) and first.startswith(self.skip_markers)

    def _true(self, value):
        return value.strip().lower() in self.true_words

    def classify(self, row_type, code, flags):
        """(CHARGE or DISCOUNT, None) for an invoice line, (None, reason key)
        for a row to skip. ``flags`` maps flag column headers to cell values."""
        row_type = row_type.strip().lower()
        if row_type and row_type in self.summary_types:
            return None, "summary"
        if (row_type and row_type in self.payment_types) or any(
            self._true(flags[name]) for name in self.payment_flags
        ):
            return None, "payment"
        if (row_type and row_type in self.discount_types) or code.strip().lower() in self.discount_codes:
            return DISCOUNT, None
        if self.charge_types and row_type not in self.charge_types:
            return None, "other_type"
        return CHARGE, None

    def state(self, state, flags):
        """The invoice's state from the status column's ``state`` and the
        flags: voided or deleted beats not posted beats paid."""
        if state == "void" or any(self._true(flags[name]) for name in self.void_flags):
            return "void"
        if state == "open" or any(not self._true(flags[name]) for name in self.posted_flags):
            return "open"
        return state


def skipped_report(counts, env):
    """' Skipped: 2 payment (...), 1 totals or title line.' for the import report ('' when none)."""
    if not counts:
        return ""
    parts = ", ".join(f"{count} {env._(SKIP_REASONS[key])}" for key, count in sorted(counts.items()))
    return " " + env._("Rows skipped: %(rows)s.", rows=parts)
