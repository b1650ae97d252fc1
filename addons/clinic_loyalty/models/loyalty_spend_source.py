from odoo import api, fields, models


class ClinicLoyaltySpendSource(models.AbstractModel):
    """What a document needs to earn points through the accrual engine.

    The extension point of ``clinic.loyalty.accrual``: a model that inherits
    this mixin, implements :meth:`_loyalty_rows` and is listed by
    ``clinic.loyalty.accrual._accrual_sources`` earns points exactly like an
    Odoo invoice (earning mode, minimum amount, eligibility, status).
    Customer invoices are one source; the PMS import adds its staged invoices.

    ``loyalty_synced`` is False while the document has changed since the
    engine last looked at it; the source's compute decides when.
    """

    _name = "clinic.loyalty.spend.source"
    _description = "Loyalty spend source"

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

    @api.model
    def _loyalty_entry_kind(self):
        """Ledger kind of the points this source earns."""
        return "accrual"

    @api.model
    def _loyalty_rows(self, company, after_id, limit):
        """Documents of ``company`` to (re)evaluate, locked for this run.

        Must return at most ``limit`` tuples ordered by id, of documents with
        ``loyalty_synced`` False and id > ``after_id``, locked with
        ``FOR NO KEY UPDATE SKIP LOCKED``:
        ``(id, commercial partner id, name, basis, target, counted, points, seq)``
        where ``basis`` is the eligible amount of the original transaction (for
        the minimum amount) and ``target`` the eligible paid spend it should
        count for now (0 when unpaid, cancelled or fully credited).
        """
        raise NotImplementedError

    @api.model
    def _loyalty_pending_count(self, companies):
        self.env.cr.execute(
            f'SELECT count(*) FROM "{self._table}" WHERE NOT loyalty_synced AND company_id = ANY(%s)',
            [companies.ids],
        )
        return self.env.cr.fetchone()[0]
