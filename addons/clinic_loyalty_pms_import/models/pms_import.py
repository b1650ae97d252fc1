import logging
import tempfile
from collections import Counter

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import pms_parser
from ..tools.pms_clients import read_clients
from ..tools.pms_rows import CHARGE, skipped_report
from ..tools.pms_staging import INVOICE_UPSERT, LINE_INSERT, group_batch

_logger = logging.getLogger(__name__)

BATCH_ROWS = 5000


class ClinicLoyaltyPmsImport(models.Model):
    """One file imported (or rejected) for a profile: the result and its report.

    Importing = validate the whole file in a first streaming pass (a bad file
    is rejected whole, nothing staged), then stage it in a second streaming
    pass, by batches, inside a savepoint. Points are not computed here: the
    staged invoices are a source of the core accrual engine.
    """

    _name = "clinic.loyalty.pms.import"
    _description = "PMS import"
    _order = "id desc"
    _rec_name = "file_name"

    profile_id = fields.Many2one(
        "clinic.loyalty.pms.profile", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="profile_id.company_id", store=True, index=True)
    file_name = fields.Char(readonly=True)
    origin = fields.Selection([("upload", "Upload"), ("folder", "Drop folder")], readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    state = fields.Selection([("done", "Imported"), ("failed", "Rejected")], readonly=True, required=True)
    row_count = fields.Integer(string="Lines", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    product_count = fields.Integer(string="New billing codes", readonly=True)
    unmatched_count = fields.Integer(string="Unmatched clients", readonly=True)
    report = fields.Text(readonly=True)

    @api.model
    def _log_failure(self, profile, file_name, origin, report):
        return self.sudo().create(
            {
                "profile_id": profile.id,
                "file_name": file_name,
                "origin": origin,
                "state": "failed",
                "report": report,
            }
        )

    @api.model
    def _import_file(self, profile, fileobj, file_name, origin="upload", client_fileobj=None):
        """Import ``fileobj`` (binary, seekable) for ``profile``, its client
        details from ``client_fileobj`` when the PMS exports them apart: all
        of it or nothing. Returns the import log (state done or failed)."""
        profile = profile.sudo()
        try:
            with self.env.cr.savepoint(), tempfile.TemporaryFile() as spool:
                fmt = profile._pms_format()
                clients = self._read_client_file(fmt, client_fileobj)
                fileobj, fmt = pms_parser.spool_workbook(fileobj, fmt, spool)  # an Excel report
                total = pms_parser.validate(fileobj, fmt, clients)
                log = self.sudo().create(
                    {
                        "profile_id": profile.id,
                        "file_name": file_name,
                        "origin": origin,
                        "state": "done",
                    }
                )
                log._stage(fileobj, fmt, total, clients)
        except pms_parser.PmsImportError as e:
            _logger.info("PMS import of %s rejected: %s problems", file_name, e.total)
            return self._log_failure(profile, file_name, origin, e.report(self.env))
        _logger.info("PMS import of %s: %s lines, %s invoices", file_name, log.row_count, log.invoice_count)
        return log

    @api.model
    def _read_client_file(self, fmt, client_fileobj):
        """{client id: (name, phone, email)}, or None when the profile has no
        client file or none came with the lines: the lines then import alone,
        their clients queued by PMS id (details empty) in Unmatched clients
        until a later client file or a Loyalty Manager completes them."""
        if not fmt.client_columns or client_fileobj is None:
            return None
        return read_clients(client_fileobj, fmt)

    def _stage(self, fileobj, fmt, total, clients=None):
        self.ensure_one()
        stats = {"rows": 0, "invoices": 0, "products": 0, "tried": set()}
        products = {}  # billing code -> product id, for this file
        batch = []
        errors = pms_parser.ErrorLog()
        skipped = Counter()

        def skip(_row, reason, _values):
            skipped[reason] += 1

        for row in pms_parser.iter_rows(fileobj, fmt, errors, clients, skip):
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                self._stage_batch(batch, products, stats)
                self.env["ir.cron"]._notify_progress(
                    done=stats["rows"], remaining=max(total - stats["rows"], 0)
                )
                batch = []
        if batch:
            self._stage_batch(batch, products, stats)
        if errors or stats["rows"] != total:  # the file changed between the two passes
            raise pms_parser.PmsImportError(
                [(0, _("The file changed while it was being imported: import it again."))]
            )
        self.env.cr.execute(
            SQL("SELECT count(*) FROM clinic_loyalty_pms_invoice WHERE import_id = %s", self.id)
        )
        invoices = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """SELECT count(DISTINCT client_ref_id) FROM clinic_loyalty_pms_invoice
                WHERE import_id = %s AND partner_id IS NULL""",
                self.id,
            )
        )
        unmatched = self.env.cr.fetchone()[0]
        self.write(
            {
                "row_count": stats["rows"],
                "invoice_count": invoices,
                "product_count": stats["products"],
                "unmatched_count": unmatched,
                "report": _(
                    "%(rows)s invoice lines of %(invoices)s invoices imported; %(products)s new billing "
                    "codes (not eligible until you enable them); %(unmatched)s clients to match in "
                    "Unmatched clients. "
                    "Points accrue with the next accrual run.",
                    rows=stats["rows"],
                    invoices=invoices,
                    products=stats["products"],
                    unmatched=unmatched,
                )
                + skipped_report(skipped, self.env),
            }
        )

    def _stage_batch(self, batch, products, stats):
        """Stage one batch of parsed rows: 1 upsert of invoices (with their
        totals), 1 delete of their lines from older imports, 1 insert of lines
        (plus the look-ups of billing codes and clients)."""
        profile = self.profile_id
        cr = self.env.cr
        codes, clients, invoices = group_batch(batch, products)
        if codes:
            stats["products"] += self._billing_products(codes, products)
        refs = self.env["clinic.loyalty.pms.client.ref"]._resolve(profile, clients, stats["tried"])
        uid = self.env.uid
        header_rows = [
            (
                profile.id,
                profile.company_id.id,
                number,
                h["first"].date,
                h["state"],
                refs[h["first"].client_ref][0],
                refs[h["first"].client_ref][1],
                h["first"].client_ref,
                h["first"].client_name,
                h["first"].phone,
                h["first"].email,
                self.id,
                h["first"].row_number,
                h["total"],
                uid,
            )
            for number, h in invoices.items()
        ]
        ids = dict(
            (name, id_)
            for id_, name in execute_values(
                cr._obj,
                INVOICE_UPSERT,
                header_rows,
                template="(%s, %s, %s, %s::date, %s, %s::int, %s::int, %s, %s, %s, %s, %s, %s, %s::numeric, "
                "%s)",
                page_size=len(header_rows),
                fetch=True,
            )
        )
        invoice_ids = list(ids.values())
        # A re-imported invoice is replaced by its lines in this file.
        cr.execute(
            SQL(
                """DELETE FROM clinic_loyalty_pms_invoice_line
                    WHERE invoice_id = ANY(%s) AND import_id IS DISTINCT FROM %s""",
                invoice_ids,
                self.id,
            )
        )
        line_rows = [
            (
                ids[row.invoice],
                profile.company_id.id,
                self.id,
                row.row_number,
                products[row.code] if row.kind == CHARGE else None,
                row.kind,
                row.code,
                row.description,
                row.quantity,
                row.amount,
                row.patient,
                uid,
            )
            for row in batch
        ]
        execute_values(
            cr._obj,
            LINE_INSERT,
            line_rows,
            template="(%s, %s, %s, %s, %s::int, %s, %s, %s, %s::numeric, %s::numeric, %s, %s)",
            page_size=len(line_rows),
        )
        self.env["clinic.loyalty.pms.invoice"].invalidate_model()
        self.env["clinic.loyalty.pms.invoice.line"].invalidate_model()
        stats["rows"] += len(batch)

    def _billing_products(self, codes, products):
        """Fill ``products`` {code: product id} for ``codes`` {code: description};
        a code the clinic does not know becomes a service that earns nothing
        until a manager enables it. Returns the number of products created."""
        company = self.profile_id.company_id
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT ON (pp.default_code) pp.default_code, pp.id
              FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.default_code = ANY(%(codes)s) AND pp.active
               AND (pt.company_id = %(company)s OR pt.company_id IS NULL)
             ORDER BY pp.default_code, pt.company_id NULLS LAST, pp.id
        """,
                codes=list(codes),
                company=company.id,
            )
        )
        products.update(self.env.cr.fetchall())
        missing = [code for code in codes if code not in products]
        if missing:
            created = (
                self.env["product.product"]
                .sudo()
                .with_company(company)
                .create(
                    [
                        {
                            "name": codes[code] or code,
                            "default_code": code,
                            "type": "service",
                            "company_id": company.id,
                            "sale_ok": True,
                            "purchase_ok": False,
                            "loyalty_eligible": False,
                        }
                        for code in missing
                    ]
                )
            )
            products.update(zip(missing, created.ids, strict=False))
        return len(missing)
