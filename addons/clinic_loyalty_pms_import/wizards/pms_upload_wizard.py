import base64
import binascii
import io

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


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
