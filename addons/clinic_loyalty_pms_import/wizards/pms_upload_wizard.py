import base64
import binascii
import io

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class ClinicLoyaltyPmsUpload(models.TransientModel):
    """Upload one PMS export: the same import as the drop folder, result shown."""

    _name = "clinic.loyalty.pms.upload"
    _description = "Import a PMS export"

    profile_id = fields.Many2one(
        "clinic.loyalty.pms.profile", required=True, domain="[('company_id', 'in', allowed_company_ids)]"
    )
    file = fields.Binary(string="Export file", attachment=False)
    file_name = fields.Char()
    import_id = fields.Many2one("clinic.loyalty.pms.import", readonly=True)
    state = fields.Selection(related="import_id.state")
    report = fields.Text(related="import_id.report")

    def action_import(self):
        self.ensure_one()
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can import PMS exports."))
        if not self.file:
            raise UserError(_("Choose the export file to import."))
        try:
            content = base64.b64decode(self.file, validate=True)
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
        log = self.env["clinic.loyalty.pms.import"]._import_file(
            profile, io.BytesIO(content), self.file_name or _("upload"), origin="upload"
        )
        self.write({"import_id": log.id, "file": False})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import a PMS export"),
        }
