from typing import NamedTuple

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# The engine's own book-keeping on each document: written by the engine in
# SQL only. Whoever may edit the document must not reset (earn again) or
# mark it synced (never take back).
ENGINE_FIELDS = {"loyalty_synced", "loyalty_counted_amount", "loyalty_points", "loyalty_seq"}


def _engine_fields(vals):
    """The engine fields ``vals`` sets, but for asking the engine to look at
    a document again (``loyalty_synced`` False), which is always safe."""
    return {name for name in ENGINE_FIELDS & set(vals) if not (name == "loyalty_synced" and not vals[name])}


class AccrualRow(NamedTuple):
    """One document as the accrual engine evaluates it (see ``_loyalty_rows_sql``)."""

    id: int  # the document
    partner_id: int  # its client (commercial partner)
    name: str  # shown on the ledger entries
    basis: float  # eligible amount of the original transaction, for the minimum amount
    # Eligible paid spend it should count for now: 0 when unpaid, cancelled or
    # fully credited; negative for a paid credit document that stands alone,
    # such as a PMS refund invoice (its points are taken back).
    target: float
    counted: float  # loyalty_counted_amount: the spend the ledger already accounts for
    points: int  # loyalty_points
    seq: int  # loyalty_seq


class ClinicLoyaltySpendSource(models.AbstractModel):
    """What a document needs to earn points through the accrual engine.

    The extension point of ``clinic.loyalty.accrual``: a model that inherits
    this mixin and implements :meth:`_loyalty_rows_sql` earns points exactly
    like an Odoo invoice (earning mode, minimum amount, eligibility, status);
    the engine finds it among the mixin's descendants.
    Customer invoices are one source; the PMS import adds its staged invoices.
    Candidates are chosen and locked here (:meth:`_loyalty_lock_batch`,
    narrowed by :meth:`_loyalty_candidates_sql`); the source only says what
    each of them is worth.

    ``loyalty_synced`` is False while the document has changed since the
    engine last looked at it; the source's compute decides when.
    """

    _name = "clinic.loyalty.spend.source"
    _description = "Loyalty spend source"
    _loyalty_date_field = "date"  # the document's date: it earns if the programme ran that day

    loyalty_synced = fields.Boolean(
        compute="_compute_loyalty_synced",
        store=True,
        readonly=True,
        copy=False,
        help="False until the nightly accrual has reflected this document's latest state.",
    )
    loyalty_counted_amount = fields.Float(
        string="Loyalty spend counted",
        readonly=True,
        default=0.0,
        copy=False,
        digits=(16, 2),
        help="Eligible amount, in the clinic's currency, the ledger already accounts for.",
    )
    loyalty_points = fields.Integer(string="Loyalty points", readonly=True, copy=False, default=0)
    loyalty_seq = fields.Integer(
        readonly=True, copy=False, default=0, help="Number of postings made for this document."
    )

    def _compute_loyalty_synced(self):
        self.loyalty_synced = False

    @api.model_create_multi
    def create(self, vals_list):
        # A new document has earned nothing: only the defaults (a model that
        # ``_inherits`` a source passes them on) may be given.
        if not self.env.su and any(vals.get(name) for vals in vals_list for name in ENGINE_FIELDS):
            self._loyalty_refuse_engine_fields()
        return super().create(vals_list)

    def write(self, vals):
        # A client (the POS) may send back the values it read: only a change counts.
        if not self.env.su and any(
            self._fields[name].convert_to_cache(vals[name], record) != record[name]
            for name in _engine_fields(vals)
            for record in self
        ):
            self._loyalty_refuse_engine_fields()
        return super().write(vals)

    @api.model
    def _loyalty_refuse_engine_fields(self):
        raise AccessError(_("What a document has earned is kept by the loyalty programme only."))

    @api.model
    def _loyalty_entry_kind(self):
        """Ledger kind of the points this source earns."""
        return "accrual"

    @api.model
    def _loyalty_rows(self, company, after_id, limit):
        """At most ``limit`` :class:`AccrualRow` of ``company``, by id, of
        documents with ``loyalty_synced`` False and id > ``after_id``, locked
        for this run (see :meth:`_loyalty_lock_batch`).

        The one rule of the programme status, for every source: a document
        dated on a day the programme was Off (or before it started) counts
        for nothing, whenever the job runs; one that already earned keeps
        following its credits (a credit note still reverses its points).
        """
        locked = self._loyalty_lock_batch(company, after_id, limit)
        if not locked:
            return []
        idle = {doc_id for doc_id, earns in locked if not earns}
        self.env.cr.execute(self._loyalty_rows_sql([doc_id for doc_id, _earns in locked]))
        rows = [AccrualRow(**row) for row in self.env.cr.dictfetchall()]
        return [row._replace(target=0.0) if row.id in idle and not row.seq else row for row in rows]

    @api.model
    def _loyalty_rows_since(self, company, start_date, batch_size):
        """Every :class:`AccrualRow` of ``company`` dated from ``start_date``,
        by id, read only (the go-live preview): nothing is locked or marked."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE company_id = %s AND %s >= %s AND %s ORDER BY id",
                SQL.identifier(self._table),
                company.id,
                self._loyalty_date_sql(),
                start_date,
                self._loyalty_candidates_sql(),
            )
        )
        ids = [doc_id for (doc_id,) in self.env.cr.fetchall()]
        for start in range(0, len(ids), batch_size):
            self.env.cr.execute(self._loyalty_rows_sql(ids[start : start + batch_size]))
            yield from [AccrualRow(**row) for row in self.env.cr.dictfetchall()]

    @api.model
    def _loyalty_date_sql(self):
        """SQL expression of the document's date (type ``date``)."""
        return SQL.identifier(self._loyalty_date_field)

    @api.model
    def _loyalty_rows_sql(self, ids):
        """SELECT of the documents ``ids`` ordered by id, one column named
        after each field of :class:`AccrualRow`."""
        raise NotImplementedError

    @api.model
    def _loyalty_not_in_points_sql(self, paid_in_points, total):
        """SQL: the share (0 to 1) of a document of ``total`` that was not
        paid with loyalty points (``paid_in_points``, SQL amounts of the same
        sign and currency). What was paid with points earns nothing: every
        source multiplies what it earns on by this share (the one place of
        that rule; the point of sale's estimate uses it too)."""
        return SQL(
            "(CASE WHEN %(total)s > 0 THEN GREATEST(1 - COALESCE(%(paid)s, 0) / %(total)s, 0) ELSE 1 END)",
            paid=paid_in_points,
            total=total,
        )

    @api.model
    def _loyalty_candidates_sql(self):
        """SQL condition, on the source's table, that a document must meet to
        earn points at all (beyond its clinic and its ``loyalty_synced``)."""
        return SQL("TRUE")

    def init(self):
        res = super().init()
        if not self._abstract:
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (company_id, id) WHERE NOT loyalty_synced",
                    SQL.identifier(f"{self._table}_loyalty_pending_idx"),
                    SQL.identifier(self._table),
                )
            )
        return res

    @api.model
    def _loyalty_lock_batch(self, company, after_id, limit):
        """[(id, earns)] of the next ``limit`` documents of ``company`` to
        evaluate, locked for this run (``SKIP LOCKED``: two runs share the
        work); ``earns`` is False when the programme was not running on the
        document's date (``clinic.loyalty.status.change``)."""
        periods = self.env["clinic.loyalty.status.change"]._earning_periods_sql(company)
        self.env.cr.execute(
            SQL(
                """
            WITH periods AS MATERIALIZED (%(periods)s)
            SELECT id, EXISTS (SELECT 1 FROM periods p WHERE %(date)s BETWEEN p.f AND p.t)
              FROM %(table)s
             WHERE company_id = %(company)s AND NOT loyalty_synced AND id > %(after)s AND %(where)s
             ORDER BY id
             LIMIT %(limit)s
               FOR NO KEY UPDATE OF %(table)s SKIP LOCKED
        """,
                table=SQL.identifier(self._table),
                company=company.id,
                after=after_id,
                where=self._loyalty_candidates_sql(),
                periods=periods,
                date=self._loyalty_date_sql(),
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _loyalty_reopen(self, company):
        """After the clinic's programme start date changed: every document
        of every source dated from it that never earned is evaluated again
        by the next accrual (one UPDATE per source)."""
        if not company.loyalty_start_date:
            return
        for model in self.env["clinic.loyalty.accrual"]._accrual_sources():
            source = self.env[model].sudo()
            source.flush_model()
            self.env.cr.execute(
                SQL(
                    """UPDATE %(table)s SET loyalty_synced = FALSE
                        WHERE company_id = %(company)s AND loyalty_synced AND loyalty_seq = 0
                          AND %(date)s >= %(start)s AND %(where)s""",
                    table=SQL.identifier(source._table),
                    company=company.id,
                    date=source._loyalty_date_sql(),
                    start=company.loyalty_start_date,
                    where=source._loyalty_candidates_sql(),
                )
            )
            source.invalidate_model(["loyalty_synced"])

    @api.model
    def _loyalty_pending_count(self, companies):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE NOT loyalty_synced AND company_id = ANY(%s) AND %s",
                SQL.identifier(self._table),
                companies.ids,
                self._loyalty_candidates_sql(),
            )
        )
        return self.env.cr.fetchone()[0]
