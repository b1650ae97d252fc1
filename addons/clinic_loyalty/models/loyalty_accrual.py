import logging

from odoo import api, models
from odoo.tools import SQL, float_round

_logger = logging.getLogger(__name__)


def _cents(amount):
    """Amount as an integer number of cents (exact floor arithmetic)."""
    return round(float_round(amount or 0.0, precision_digits=2) * 100)


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
        of documents processed. ``commit`` commits after each batch (cron)."""
        batch_size = batch_size or self.BATCH_SIZE
        done = 0
        for company in self._accruing_companies():
            for model in self._accrual_sources():
                after_id = 0
                while True:
                    count, after_id = self._accrue_batch(model, company, after_id, batch_size)
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
            if carry:
                carried = carry[account_id] + target_c - counted_c
                diff = carried // spp
                carry[account_id] = carried - diff * spp
            elif target_c < 0:
                # A credit document of its own (a PMS refund invoice): takes
                # back at the earning rate, whatever the minimum amount.
                diff = -(-target_c // spp) - points
            elif target_c == 0:
                diff = -points
            elif points and counted_c > 0:
                # Already earned: a credit note or a changed amount scales the
                # points proportionally, at the rate they were earned at.
                diff = points * target_c // counted_c - points
            else:
                diff = target_c // spp if basis_c >= minimum else 0
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
        return len(rows), rows[-1].id

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
