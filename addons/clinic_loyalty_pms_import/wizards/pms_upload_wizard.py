import base64
import binascii
import io
import tempfile

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.pms_errors import PmsImportError
from ..tools.pms_parser import spool_workbook
from ..tools.pms_preview import preview
from ..tools.pms_rows import SKIP_REASONS, skipped_report


class ClinicLoyaltyPmsUpload(models.TransientModel):
    """Upload one PMS export (and its client file): preview it, then import it
    the same way as the drop folder, result shown."""

    _name = "clinic.loyalty.pms.upload"
    _description = "Import a PMS export"

    profile_id = fields.Many2one(
        "clinic.loyalty.pms.profile", required=True, domain="[('company_id', 'in', allowed_company_ids)]"
    )
    file = fields.Binary(string="Export file", attachment=False)
    file_name = fields.Char()
    needs_client_file = fields.Boolean(compute="_compute_needs_client_file")
    client_file = fields.Binary(
        attachment=False, help="The PMS's client export (phones, emails), joined on the client id."
    )
    client_file_name = fields.Char()
    preview_line_ids = fields.One2many("clinic.loyalty.pms.upload.line", "wizard_id", readonly=True)
    preview_summary = fields.Text(readonly=True)
    import_id = fields.Many2one("clinic.loyalty.pms.import", readonly=True)
    state = fields.Selection(related="import_id.state")
    report = fields.Text(related="import_id.report")

    @api.depends("profile_id.client_col_ref")
    def _compute_needs_client_file(self):
        for wizard in self:
            wizard.needs_client_file = bool(wizard.profile_id.client_col_ref)

    def _check_upload_rights(self):
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can import PMS exports."))
        # Record rules: only into a profile of the manager's own clinics.
        self.profile_id.check_access("write")

    def _files(self):
        """(lines file, client file or None) as binary file objects, checked."""
        if not self.file:
            raise UserError(_("Choose the export file to import."))
        return self._decoded(self.file), self._decoded(self.client_file) if self.client_file else None

    def _decoded(self, data):
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(_("The uploaded file could not be read: upload it again.")) from None
        profile = self.profile_id
        if len(content) > profile.max_file_size_mb * 1024 * 1024:
            raise UserError(
                _(
                    "The file is larger than the profile's limit of %(size)s MB: split it or raise "
                    "the limit on the profile.",
                    size=profile.max_file_size_mb,
                )
            )
        return io.BytesIO(content)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import a PMS export"),
        }

    def action_import(self):
        self.ensure_one()
        self._check_upload_rights()
        lines, clients = self._files()
        log = self.env["clinic.loyalty.pms.import"]._import_file(
            self.profile_id, lines, self.file_name or _("upload"), origin="upload", client_fileobj=clients
        )
        self.write({"import_id": log.id, "file": False, "client_file": False})
        return self._reopen()

    def action_preview(self):
        """Read the file(s) as the import would and show the first rows and
        the counts of what importing would do. Writes nothing but this wizard."""
        self.ensure_one()
        self._check_upload_rights()
        lines, client_file = self._files()
        fmt = self.profile_id.sudo()._pms_format()
        try:
            clients = self.env["clinic.loyalty.pms.import"]._read_client_file(fmt, client_file)
            with tempfile.TemporaryFile() as spool:
                lines, fmt = spool_workbook(lines, fmt, spool)  # an Excel report
                result = preview(lines, fmt, clients)
        except PmsImportError as e:
            self.write({"preview_line_ids": [Command.clear()], "preview_summary": e.report(self.env)})
            return self._reopen()
        earns = self._preview_codes(result["codes"])
        matched = self._preview_clients(result["clients"])
        rows = []
        for row in result["rows"]:
            amount = row.get("amount") or 0.0
            if row["kind"] == "charge" and not earns.get(row["code"]):
                amount = 0.0
            reason = row.get("skip_reason")
            rows.append(
                Command.create(
                    {
                        **{k: v for k, v in row.items() if k not in ("amount", "skip_reason")},
                        "amount": amount,
                        "skip_reason": self.env._(SKIP_REASONS[reason]) if reason else False,
                    }
                )
            )
        self.write(
            {
                "preview_line_ids": [Command.clear(), *rows],
                "preview_summary": self._preview_summary(result, earns, matched)
                + self._preview_missing_clients(fmt, client_file, result, matched),
            }
        )
        return self._reopen()

    def _preview_summary(self, result, earns, matched):
        states = list(result["invoices"].values())
        known = sum(1 for ref in result["clients"] if ref in matched)
        return _(
            "Nothing has been written yet. Importing this file would stage %(lines)s invoice lines "
            "(%(discounts)s discounts) of %(invoices)s invoices: %(paid)s paid, %(open)s not paid yet "
            "(earn nothing until paid), %(void)s voided (earn nothing; points already earned are taken "
            "back). %(new_codes)s new billing codes (not eligible until you enable them). %(clients)s "
            "clients: %(matched)s already matched, %(waiting)s already waiting in Unmatched clients, "
            "%(new)s new (matched by phone or email when imported).",
            lines=result["lines"],
            discounts=result["discounts"],
            invoices=len(states),
            paid=states.count("paid"),
            open=states.count("open"),
            void=states.count("void"),
            new_codes=sum(1 for code in result["codes"] if code not in earns),
            clients=len(result["clients"]),
            matched=sum(1 for ref in result["clients"] if matched.get(ref)),
            waiting=sum(1 for ref in result["clients"] if ref in matched and not matched[ref]),
            new=len(result["clients"]) - known,
        ) + skipped_report(result["skipped"], self.env)

    def _preview_missing_clients(self, fmt, client_file, result, matched):
        """What a lines file imported without its client file leaves to do."""
        if not fmt.client_columns or client_file is not None:
            return ""
        return " " + _(
            "No client file: the lines import alone, but %(new)s clients are not known yet and will wait "
            "in Unmatched clients by their PMS id, without name, phone or email, until a later client file "
            "or a Loyalty Manager completes them (their invoices earn from then on).",
            new=sum(1 for ref in result["clients"] if not matched.get(ref)),
        )

    def _preview_codes(self, codes):
        """{billing code: earns points} for the codes the clinic already has."""
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT ON (pp.default_code) pp.default_code, %(earns)s
              FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.default_code = ANY(%(codes)s) AND pp.active
               AND (pt.company_id = %(company)s OR pt.company_id IS NULL)
             ORDER BY pp.default_code, pt.company_id NULLS LAST, pp.id
        """,
                codes=list(codes),
                company=self.profile_id.company_id.id,
                # the clinic's own choice (eligibility is per clinic)
                earns=self.env["product.template"]._loyalty_eligible_sql(
                    "pt", SQL("%s", self.profile_id.company_id.id)
                ),
            )
        )
        return dict(self.env.cr.fetchall())

    def _preview_clients(self, refs):
        """{client id: matched} for the ids this profile already knows."""
        self.env.cr.execute(
            SQL(
                """SELECT external_id, partner_id IS NOT NULL FROM clinic_loyalty_pms_client_ref
                    WHERE profile_id = %s AND external_id = ANY(%s)""",
                self.profile_id.id,
                list(refs),
            )
        )
        return dict(self.env.cr.fetchall())


class ClinicLoyaltyPmsUploadLine(models.TransientModel):
    """One row of the file as the profile reads it, shown before importing."""

    _name = "clinic.loyalty.pms.upload.line"
    _description = "PMS import preview row"
    _order = "row_number"

    wizard_id = fields.Many2one("clinic.loyalty.pms.upload", required=True, ondelete="cascade")
    row_number = fields.Integer(string="Row")
    invoice = fields.Char()
    client_ref = fields.Char(string="Client id")
    client_name = fields.Char(string="Client")
    code = fields.Char(string="Billing code")
    kind = fields.Selection([("charge", "Charge"), ("discount", "Discount"), ("skipped", "Skipped")])
    amount = fields.Float(string="Eligible amount", help="0 when the billing code earns no points.")
    status = fields.Selection([("paid", "Paid"), ("open", "Not paid"), ("void", "Voided")])
    skip_reason = fields.Char(string="Skipped because")
