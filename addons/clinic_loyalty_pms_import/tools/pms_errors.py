"""How a rejected PMS export is reported: the error and its report.

A file is rejected whole: :class:`PmsImportError` (a ``UserError``) carries
the (row number, reason) pairs; :class:`ErrorLog` collects them with flat
memory, however broken the file.
"""

from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

# Messages are lazy: the importer renders them in the user's language
# (``format_report(..., env)``); without an environment they read in English.
_ = LazyTranslate(__name__, default_lang="en_US")

MAX_ERRORS = 100


class PmsImportError(UserError):
    """The file is rejected whole. ``errors`` is [(row number or 0, reason)]."""

    def __init__(self, errors, total=None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(format_report(errors, self.total))

    def report(self, env):
        return format_report(self.errors, self.total, env)


def format_report(errors, total=None, env=None):
    """The rejection report, translated with ``env`` when given."""

    def tr(text):
        return env._(text) if env is not None and not isinstance(text, str) else str(text)

    total = total if total is not None else len(errors)
    lines = [
        tr(
            _(
                "The file was rejected: nothing from it was imported. Fix these problems and import it "
                "again."
            )
        )
    ]
    for row, reason in errors:
        lines.append(tr(_("Row %(row)s: %(reason)s", row=row, reason=tr(reason))) if row else tr(reason))
    if total > len(errors):
        lines.append(tr(_("... and %(count)s more problems.", count=total - len(errors))))
    return "\n".join(lines)


class ErrorLog:
    """Problems found in a file: the first MAX_ERRORS kept, the rest counted
    (memory stays flat however broken the file is)."""

    def __init__(self):
        self.items, self.count = [], 0

    def append(self, item):
        self.count += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append(item)

    def __len__(self):
        return self.count

    def fail(self, item=None):
        if item:
            self.append(item)
        raise PmsImportError(self.items, self.count)
