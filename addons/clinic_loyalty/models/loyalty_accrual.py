import logging

from psycopg2 import InterfaceError, OperationalError

from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.accrual_points import cents as _cents
from ..tools.accrual_points import first_time_points, points_change
from .loyalty_account import MAX_POINTS

_logger = logging.getLogger(__name__)


class ClinicLoyaltyAccrual(models.AbstractModel):
    """The one accrual engine: turns paid eligible spend into ledger entries.

    Every source (see ``clinic.loyalty.spend.source``) is processed in
    batches: one query reads and locks a batch with its amounts, the points
    are computed in Python, then one INSERT posts the entries, one UPDATE
    moves the balances and one UPDATE marks the documents. A batch commits as
    a whole, so a run killed at any point leaves every document either fully
    accrued or untouched; idempotency keys make a replay a no-op.
    """

    _name = "clinic.loyalty.accrual"
    _description = "Loyalty accrual engine"

    BATCH_SIZE = 2000

    @api.model
    def _accrual_sources(self):
        """Models that earn points: every model that inherits the mixin
        ``clinic.loyalty.spend.source``, so a new source is one model file."""
        mixin = self.pool["clinic.loyalty.spend.source"]
        return sorted(
            name for name, model in self.pool.items() if not model._abstract and issubclass(model, mixin)
        )

    @api.model
    def _accruing_companies(self):
        return self.env["res.company"].sudo().search([("loyalty_status", "in", ("test", "on"))])

    @api.model
    def _pending_count(self):
        companies = self._accruing_companies()
        return sum(self.env[m]._loyalty_pending_count(companies) for m in self._accrual_sources())

    @api.model
    def _run_accrual(self, batch_size=None, commit=False, progress=False):
        """Accrue every pending document of every source; returns the number
        of documents processed. ``commit`` commits after each batch (cron).

        Each batch runs in a savepoint; a batch that fails is retried one
        document at a time, and a document that still fails is set aside
        (``clinic.loyalty.accrual.failure``) while the others accrue."""
        batch_size = batch_size or self.BATCH_SIZE
        done = 0
        # Documents set aside before are cleared when they accrue: one query
        # per run tells whether there is any to clear.
        self.env.cr.execute(
            "SELECT EXISTS (SELECT 1 FROM clinic_loyalty_accrual_failure WHERE state = 'open')"
        )
        self = self.with_context(loyalty_open_failures=self.env.cr.fetchone()[0])  # noqa: PLW0642
        for company in self._accruing_companies():
            for model in self._accrual_sources():
                after_id = 0
                while True:
                    count, after_id = self._accrue_batch_safe(model, company, after_id, batch_size)
                    if not count:
                        break
                    done += count
                    if progress:
                        self.env["ir.cron"]._notify_progress(done=done, remaining=self._pending_count())
                    if commit:
                        # Each batch is a unit: entries, balances and document
                        # marks commit together, so a killed run resumes cleanly.
                        self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    @api.model
    def _accrue_batch_safe(self, model, company, after_id, batch_size):
        """:meth:`_accrue_batch` in a savepoint; on failure, the same
        documents one by one, the failing ones set aside. Returns
        (documents evaluated, last id seen)."""
        try:
            with self.env.cr.savepoint():
                return self._accrue_batch(model, company, after_id, batch_size)
        except (OperationalError, InterfaceError):
            raise  # the database or a concurrent run, not a document: the cron retries
        except Exception:  # noqa: BLE001 - any document error: isolate it below
            self.env.invalidate_all()
            if batch_size == 1:
                return self._set_aside_next(model, company, after_id)
        source = self.env[model].sudo()
        ids = [doc_id for doc_id, _earns in source._loyalty_lock_batch(company, after_id, batch_size)]
        done = 0
        for _doc_id in ids:
            if after_id >= ids[-1]:
                break
            count, after_id = self._accrue_batch_safe(model, company, after_id, 1)
            if not count:
                break
            done += count
        return done, after_id

    @api.model
    def _set_aside_next(self, model, company, after_id):
        """The next document after ``after_id`` failed alone: record it with
        its reason (the error raised again, outside the batch) and go on."""
        source = self.env[model].sudo()
        locked = source._loyalty_lock_batch(company, after_id, 1)
        if not locked:
            return 0, after_id
        doc_id = locked[0][0]
        reason = ""
        try:
            with self.env.cr.savepoint():
                self._accrue_batch(model, company, after_id, 1)
        except (OperationalError, InterfaceError):
            raise
        except Exception as error:  # noqa: BLE001 - recorded as the reason
            reason = str(error.args[0]) if getattr(error, "args", None) else repr(error)
            reason = reason.strip() or type(error).__name__
        self.env.invalidate_all()
        if reason:
            name = source.browse(doc_id).exists().display_name or f"{model},{doc_id}"
            _logger.warning("Loyalty accrual: %s (%s) set aside: %s", name, company.name, reason)
            self.env["clinic.loyalty.accrual.failure"].sudo()._record(company, model, doc_id, name, reason)
        return 1, doc_id

    @api.model
    def _retry_document(self, model, company, doc_id):
        """Accrue one document set aside (a manager's retry): a success
        clears its failure, a failure records the reason again."""
        source = self.env[model].sudo()
        if not source.browse(doc_id).exists() or source.browse(doc_id).loyalty_synced:
            self.env["clinic.loyalty.accrual.failure"].sudo()._clear(model, [doc_id])
            return
        self._accrue_batch_safe(model, company, doc_id - 1, 1)

    @api.model
    def _cron_accrue(self):
        done = self._run_accrual(commit=True, progress=True)
        _logger.info("Loyalty accrual: %s documents processed", done)
        # Then the day's points reach the books (clinics that value them).
        self.env["clinic.loyalty.daily.move"]._cron_post_daily_entries()

    @api.model
    def _accrue_batch(self, model, company, after_id, batch_size):
        """Process one batch of ``model`` for ``company``: returns
        (documents processed, last id seen)."""
        source = self.env[model].sudo()
        self.env.flush_all()
        rows = source._loyalty_rows(company, after_id, batch_size)
        if not rows:
            return 0, after_id
        Account = self.env["clinic.loyalty.account"].sudo()
        account_of = self._accounts_for(model, company, rows)
        carry = {}
        if company.loyalty_earning_mode == "total_spend":
            self.env.cr.execute(
                """SELECT id, spend_carry FROM clinic_loyalty_account
                    WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE""",
                [list(set(account_of.values()))],
            )
            carry = {a: _cents(c) for a, c in self.env.cr.fetchall()}
        spp = max(_cents(company.loyalty_spend_per_point), 1)
        minimum = _cents(company.loyalty_min_transaction_amount)
        kind = source._loyalty_entry_kind()
        entries, doc_updates = [], []
        for row in rows:
            account_id = account_of.get(row.id)
            target_c, counted_c, basis_c = _cents(row.target), _cents(row.counted), _cents(row.basis)
            points, seq = row.points, row.seq
            if account_id is None:  # nothing to count, now or before: no account needed
                doc_updates.append((row.id, 0.0, points, seq))
                continue
            diff, carried = points_change(
                target_c, counted_c, basis_c, points, spp, minimum, carry[account_id] if carry else None
            )
            if carry:
                carry[account_id] = carried
            if abs(points + diff) > MAX_POINTS or abs(diff) > MAX_POINTS:
                raise ValidationError(
                    _(
                        "%(name)s is worth %(points)s points, more than the %(max)s a document can earn: "
                        "check its amounts (a credit note corrects a wrong one).",
                        name=row.name,
                        points=points + diff,
                        max=MAX_POINTS,
                    )
                )
            if diff:
                seq += 1
                entries.append(
                    {
                        "account_id": account_id,
                        "points": diff,
                        "kind": kind if diff > 0 else "reversal",
                        "amount": (target_c - counted_c) / 100.0,
                        "key": f"{model}:{row.id}:{seq}",
                        "res_model": model,
                        "res_id": row.id,
                        "source_name": row.name,
                        "staff_check": True,
                    }
                )
            doc_updates.append((row.id, target_c / 100.0, points + diff, seq))
        self._add_restores(model, company, entries)
        Account._post_entries(entries, carry={a: c / 100.0 for a, c in carry.items()})
        doc_ids, counted, doc_points, seqs = (list(column) for column in zip(*doc_updates, strict=True))
        self.env.cr.execute(
            SQL(
                """
            UPDATE %(table)s d
               SET loyalty_synced = TRUE, loyalty_counted_amount = v.counted,
                   loyalty_points = v.points, loyalty_seq = v.seq
              FROM unnest(%(ids)s::int[], %(counted)s::numeric[], %(points)s::int[], %(seqs)s::int[])
                   AS v(id, counted, points, seq)
             WHERE d.id = v.id
        """,
                table=SQL.identifier(source._table),
                ids=doc_ids,
                counted=counted,
                points=doc_points,
                seqs=seqs,
            )
        )
        source.invalidate_model(["loyalty_synced", "loyalty_counted_amount", "loyalty_points", "loyalty_seq"])
        if self.env.context.get("loyalty_open_failures", True):
            self.env["clinic.loyalty.accrual.failure"].sudo()._clear(model, doc_ids)
        return len(rows), rows[-1].id

    @api.model
    def _add_restores(self, model, company, entries):
        """Points a document earns again after it gave them back (a credit
        note reset and cancelled, a payment removed then made again) come back
        with the expiry dates they had: its new positive entry restores the
        document's earlier takings, never a new lot with a full new life."""
        again = {e["res_id"]: e for e in entries if e["points"] > 0 and not e["key"].endswith(":1")}
        if not again:
            return
        self.env.cr.execute(
            """SELECT res_id, array_agg(key ORDER BY id) FROM clinic_loyalty_entry
                WHERE company_id = %s AND res_model = %s AND res_id = ANY(%s) AND points < 0
                GROUP BY res_id""",
            [company.id, model, list(again)],
        )
        for res_id, keys in self.env.cr.fetchall():
            again[res_id]["restores"] = keys

    @api.model
    def _accounts_for(self, model, company, rows):
        """{document id: account id} for the rows that move spend.

        A document that already earned points keeps the account it earned
        them on (its partner may have changed since); others use their
        client's account, created if missing. Documents with nothing to count
        now or before get no account.
        """
        posted = [row.id for row in rows if row.seq]
        account_of = {}
        if posted:
            self.env.cr.execute(
                """SELECT DISTINCT ON (res_id) res_id, account_id FROM clinic_loyalty_entry
                    WHERE res_model = %s AND res_id = ANY(%s) AND company_id = %s
                    ORDER BY res_id, id DESC""",
                [model, posted, company.id],
            )
            account_of = dict(self.env.cr.fetchall())
        fresh = [row for row in rows if row.id not in account_of and (row.target or row.counted)]
        by_pair = (
            self.env["clinic.loyalty.account"]
            .sudo()
            ._get_or_create((row.partner_id, company.id) for row in fresh)
        )
        account_of.update({row.id: by_pair[(row.partner_id, company.id)] for row in fresh})
        return account_of

    # Go-live preview: the engine's rules on the paid documents, nothing written.
    @api.model
    def _go_live_preview(self, company, start_date):
        """{clients, points, liability} accruing ``company`` from ``start_date`` would give (read only)."""
        self.env.flush_all()
        sources = [self.env[model].sudo() for model in self._accrual_sources()]
        rows = (r for s in sources for r in s._loyalty_rows_since(company, start_date, self.BATCH_SIZE))
        rules = (
            max(_cents(company.loyalty_spend_per_point), 1),
            _cents(company.loyalty_min_transaction_amount),
        )
        total_spend = company.loyalty_earning_mode == "total_spend"
        earned = [p for p in first_time_points(rows, *rules, total_spend, _cents).values() if p > 0]
        liability = company.currency_id.round(sum(earned) * company.sudo().loyalty_point_value)
        return {"clients": len(earned), "points": sum(earned), "liability": liability}
