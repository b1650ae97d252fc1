from odoo import api, fields, models
from odoo.tools import SQL


class ClinicLoyaltyPmsInvoice(models.Model):
    """An invoice exported by a PMS, staged for the accrual engine.

    A second source of ``clinic.loyalty.accrual``: paid invoices of a matched
    client earn points like Odoo invoices; a re-import with another amount
    earns or takes back the difference; a voided one is reversed. Staged
    only by the importer, in SQL (see ``clinic.loyalty.pms.import``).
    """

    _name = "clinic.loyalty.pms.invoice"
    _inherit = ["clinic.loyalty.spend.source"]
    _description = "PMS invoice"
    _order = "date desc, id desc"

    name = fields.Char(string="PMS invoice number", required=True, readonly=True)
    # Not indexed: unique(profile_id, name) and the pending index serve the
    # look-ups, and each index slows the importer's and the engine's writes.
    profile_id = fields.Many2one(
        "clinic.loyalty.pms.profile", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        [("paid", "Paid"), ("open", "Not paid"), ("void", "Voided")],
        required=True,
        readonly=True,
        default="paid",
    )
    client_ref_id = fields.Many2one(
        "clinic.loyalty.pms.client.ref",
        string="PMS client",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        readonly=True,
        index=True,
        help="Empty until the PMS client is matched: the invoice waits, then accrues.",
    )
    pms_client_ref = fields.Char(string="PMS client id", readonly=True)
    pms_client_name = fields.Char(string="Client name in the PMS", readonly=True)
    pms_phone = fields.Char(string="Phone in the PMS", readonly=True)
    pms_email = fields.Char(string="Email in the PMS", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    line_ids = fields.One2many("clinic.loyalty.pms.invoice.line", "invoice_id", string="Lines", readonly=True)
    import_id = fields.Many2one(
        "clinic.loyalty.pms.import", string="Last imported by", readonly=True, index=True, ondelete="set null"
    )
    row_number = fields.Integer(string="Row in the file", readonly=True)

    _sql_constraints = [
        ("profile_name_uniq", "unique(profile_id, name)", "A PMS invoice is staged once per profile."),
    ]

    @api.depends(
        "state", "partner_id", "amount_total", "line_ids.amount", "line_ids.product_id", "line_ids.kind"
    )
    def _compute_loyalty_synced(self):
        self.loyalty_synced = False

    @api.model
    def _loyalty_entry_kind(self):
        return "import"

    @api.model
    def _loyalty_candidates_sql(self):
        # Unmatched clients wait in their queue: not pending work until linked.
        return SQL("partner_id IS NOT NULL")

    @api.model
    def _loyalty_rows_sql(self, ids):
        # Eligible amount = the lines whose billing code earns points, less
        # the invoice's discount lines (never below zero; a return, negative,
        # never above), in company currency; a voided or unpaid invoice
        # counts for 0, a paid return takes points back.
        return SQL(
            """
            WITH lines AS (
                SELECT l.invoice_id,
                       COALESCE(SUM(l.amount) FILTER (WHERE l.kind = 'charge'), 0) AS charges,
                       COALESCE(SUM(l.amount) FILTER (WHERE l.kind = 'discount'), 0) AS discounts
                  FROM clinic_loyalty_pms_invoice_line l
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.invoice_id = ANY(%(ids)s) AND (l.kind = 'discount' OR %(eligible)s)
                 GROUP BY l.invoice_id
            ), eligible AS (
                SELECT invoice_id,
                       CASE WHEN charges >= 0 THEN GREATEST(charges + discounts, 0)
                            ELSE LEAST(charges + discounts, 0) END AS amount
                  FROM lines
            )
            SELECT i.id, p.commercial_partner_id AS partner_id, i.name,
                   GREATEST(COALESCE(e.amount, 0), 0) AS basis,
                   CASE WHEN i.state = 'paid' THEN COALESCE(e.amount, 0) ELSE 0 END AS target,
                   i.loyalty_counted_amount AS counted, i.loyalty_points AS points, i.loyalty_seq AS seq
              FROM clinic_loyalty_pms_invoice i
              JOIN res_partner p ON p.id = i.partner_id
              LEFT JOIN eligible e ON e.invoice_id = i.id
             WHERE i.id = ANY(%(ids)s)
             ORDER BY i.id
        """,
            ids=ids,
            eligible=self.env["product.template"]._loyalty_eligible_sql("pt", SQL("l.company_id")),
        )


class ClinicLoyaltyPmsInvoiceLine(models.Model):
    _name = "clinic.loyalty.pms.invoice.line"
    _description = "PMS invoice line"
    _order = "invoice_id, row_number, id"

    invoice_id = fields.Many2one(
        "clinic.loyalty.pms.invoice", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", string="Clinic", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    import_id = fields.Many2one(
        "clinic.loyalty.pms.import", string="File", readonly=True, index=True, ondelete="set null"
    )
    row_number = fields.Integer(string="Row in the file", readonly=True)
    kind = fields.Selection(
        [("charge", "Charge"), ("discount", "Discount")],
        required=True,
        readonly=True,
        default="charge",
        help="A discount line has no billing code: it reduces its invoice's eligible amount.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Billing code",
        readonly=True,
        ondelete="restrict",
        help="Empty on discount lines.",
    )
    loyalty_eligible = fields.Boolean(related="product_id.product_tmpl_id.loyalty_eligible")
    code = fields.Char(string="Code in the PMS", readonly=True)
    description = fields.Char(readonly=True)
    quantity = fields.Float(readonly=True, digits=(16, 3))
    amount = fields.Monetary(readonly=True)
    patient = fields.Char(readonly=True)
