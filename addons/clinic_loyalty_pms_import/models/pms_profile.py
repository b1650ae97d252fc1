import contextlib
import logging
import os

from psycopg2.errors import LockNotAvailable

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.pms_drop_folder import file_away, make_subfolders, open_pair, settled_files, too_large
from ..tools.pms_pairs import pair_files
from ..tools.pms_parser import PmsImportError
from .pms_format import CHECKED_FIELDS

_logger = logging.getLogger(__name__)


class ClinicLoyaltyPmsProfile(models.Model):
    """One clinic's PMS export: its format, and where its files arrive."""

    _name = "clinic.loyalty.pms.profile"
    _inherit = ["clinic.loyalty.pms.format"]
    _description = "PMS import profile"
    _order = "company_id, name"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", string="Clinic", required=True, index=True, default=lambda self: self.env.company
    )
    preset_id = fields.Many2one(
        "clinic.loyalty.pms.preset",
        string="Preset",
        help="Choosing a preset copies its format; adjust it to your export.",
    )
    active = fields.Boolean(default=True)
    drop_folder = fields.Char(
        groups="clinic_loyalty.group_loyalty_manager",
        help="Absolute path of a server folder where the PMS drops its exports. The nightly job imports "
        "every file in it, then moves it to processed/ or failed/ (with a report beside it). Only an "
        "administrator can set it.",
    )
    drop_folder_error = fields.Text(
        string="Last drop folder problem",
        readonly=True,
        groups="clinic_loyalty.group_loyalty_manager",
        help="What stopped or skipped part of the last scan of the drop folder; empty when it went well.",
    )
    max_file_size_mb = fields.Integer(string="Maximum file size (MB)", default=200, required=True)
    import_ids = fields.One2many("clinic.loyalty.pms.import", "profile_id", string="Imports")
    unmatched_count = fields.Integer(compute="_compute_unmatched_count")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A clinic's import profiles need distinct names."),
        ("max_size_positive", "check(max_file_size_mb > 0)", "The maximum file size must be positive."),
    ]

    def _compute_unmatched_count(self):
        counts = dict(
            self.env["clinic.loyalty.pms.client.ref"]._read_group(
                [("profile_id", "in", self.ids), ("partner_id", "=", False)], ["profile_id"], ["__count"]
            )
        )
        for profile in self:
            profile.unmatched_count = counts.get(profile, 0)

    @api.constrains(*CHECKED_FIELDS)
    def _check_format(self):
        for profile in self:
            try:
                profile._pms_format().check()
            except PmsImportError as e:
                raise ValidationError("\n".join(self.env._(reason) for _row, reason in e.errors)) from None

    @api.constrains("drop_folder")
    def _check_drop_folder_path(self):
        for profile in self.sudo().filtered("drop_folder"):
            path = profile.drop_folder
            if not os.path.isabs(path) or os.path.normpath(path) != path.rstrip("/") or path == "/":
                raise ValidationError(
                    _("The drop folder must be an absolute path without '..', such as /srv/pms/clinic-a.")
                )

    @api.onchange("preset_id")
    def _onchange_preset_id(self):
        if self.preset_id:
            self.update(self.preset_id._format_values())

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_drop_folder_rights(vals)
            if vals.get("preset_id"):
                preset = self.env["clinic.loyalty.pms.preset"].browse(vals["preset_id"])
                for field, value in preset._format_values().items():
                    vals.setdefault(field, value)
        return super().create(vals_list)

    def write(self, vals):
        self._check_drop_folder_rights(vals)
        return super().write(vals)

    def _check_drop_folder_rights(self, vals):
        # A drop folder makes the server read files: only administrators choose which.
        if vals.get("drop_folder") and not (self.env.su or self.env.user.has_group("base.group_system")):
            raise AccessError(_("Only an administrator can set the drop folder of an import profile."))

    def action_open_upload(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "clinic.loyalty.pms.upload",
            "view_mode": "form",
            "target": "new",
            "name": _("Import a PMS export"),
            "context": {"default_profile_id": self.id},
        }

    def action_scan_drop_folder(self):
        self.ensure_one()
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can import PMS exports."))
        # Record rules before sudo: a manager of one clinic never scans another's folder.
        self.check_access("write")
        problems = []
        logs = self.sudo().with_context(pms_drop_folder_problems=problems)._import_drop_folder()
        self.sudo().drop_folder_error = "\n".join(problems) or False
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if all(log.state == "done" for log in logs) else "warning",
                "message": _(
                    "%(done)s files imported, %(failed)s rejected.",
                    done=len(logs.filtered(lambda log: log.state == "done")),
                    failed=len(logs.filtered(lambda log: log.state == "failed")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_unmatched(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clinic_loyalty_pms_import.pms_client_ref_action_unmatched"
        )
        action["domain"] = [("profile_id", "=", self.id), ("partner_id", "=", False)]
        return action

    # ------------------------------------------------------------------
    # Drop folder
    # ------------------------------------------------------------------
    def _drop_folder_path(self):
        self.ensure_one()
        path = self.sudo().drop_folder
        if not path or not os.path.isabs(path):
            raise UserError(_("Set an absolute drop folder on the profile %(name)s first.", name=self.name))
        path = os.path.realpath(path)
        if not os.path.isdir(path):
            raise UserError(_("The drop folder %(path)s does not exist: create it on the server.", path=path))
        return path

    def _drop_folder_files(self, folder):
        """Regular, settled, non-hidden files directly in ``folder`` (never a
        symlink, never a sub-folder), by name; a name that is not UTF-8 is
        left in place and said on the profile."""
        return settled_files(
            folder,
            lambda name: self._drop_folder_problem(
                _("%(name)s was skipped: its name is not valid UTF-8; rename the file.", name=name)
            ),
        )

    def _import_drop_folder(self, commit=False):
        """Import every file of the drop folder; move each to processed/ or
        failed/ with a report beside it. Returns the import logs."""
        self.ensure_one()
        folder = self._drop_folder_path()
        logs = self.env["clinic.loyalty.pms.import"]
        bad = make_subfolders(folder)
        if bad:
            raise UserError(
                _(
                    "%(path)s must be a real folder, not a link: replace it with a folder so imported "
                    "files stay inside the drop folder.",
                    path=bad,
                )
            )
        self._lock_for_import()
        files = dict(self._drop_folder_files(folder))
        pairs, waiting = pair_files(list(files), self.lines_file_pattern, self.client_file_pattern)
        for name in waiting:
            _logger.warning("PMS import: %s waits for its client file (%s)", name, self.client_file_pattern)
        for name, client_name in pairs:
            path = files[name]
            with contextlib.ExitStack() as stack:
                try:
                    fileobj, client = open_pair(stack, path, client_name and files[client_name])
                except OSError as e:  # gone (another scan took it) or unreadable
                    _logger.warning("PMS import: cannot open %s: %s", path, e)
                    self._drop_folder_problem(
                        _("%(name)s could not be opened: %(error)s", name=name, error=e)
                    )
                    continue
                log = self._import_dropped_file(fileobj, name, client)
            logs |= log
            if client_name:
                self._file_away(folder, files[client_name], client_name, log)
            if commit:
                # The import is safe in the database before the file moves: a crash in
                # between re-imports the file next time, which is idempotent.
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self._lock_for_import()
            self._file_away(folder, path, name, log)
        return logs

    def _lock_for_import(self):
        """One import at a time per profile (nightly job, scan button)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM clinic_loyalty_pms_profile WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    [self.id],
                )
        except LockNotAvailable:
            raise UserError(
                _("%(name)s is already being imported: try again in a few minutes.", name=self.name)
            ) from None

    def _file_away(self, folder, path, name, log):
        stamp = f"{fields.Datetime.now():%Y%m%d-%H%M%S}-{log.id}"
        file_away(folder, path, name, log.state == "done", stamp, log.report)

    def _import_dropped_file(self, fileobj, name, client_fileobj=None):
        """Import one dropped file (with its client file); an unexpected error
        rejects it (moved to failed/) instead of blocking the folder night
        after night."""
        Import = self.env["clinic.loyalty.pms.import"]
        limit = self.max_file_size_mb * 1024 * 1024
        if too_large((fileobj, client_fileobj), limit):
            return Import._log_failure(
                self,
                name,
                "folder",
                _("The file is larger than the profile's limit of %(size)s MB.", size=self.max_file_size_mb),
            )
        try:
            return Import._import_file(self, fileobj, name, origin="folder", client_fileobj=client_fileobj)
        except Exception:
            _logger.exception("PMS import of %s failed unexpectedly", name)
            return Import._log_failure(
                self,
                name,
                "folder",
                _(
                    "The import failed unexpectedly and nothing from the file was imported. Ask your "
                    "administrator to check the server log, then drop the file again."
                ),
            )

    def _drop_folder_problem(self, message):
        """Say on the profile what went wrong with its folder (and in the log)."""
        self.ensure_one()
        _logger.warning("PMS import %s: %s", self.display_name, message)
        problems = self.env.context.get("pms_drop_folder_problems")
        if problems is not None:
            problems.append(message)

    def _scan_one_drop_folder(self, commit=False):
        """Scan this profile's folder; whatever fails is written on the
        profile (``drop_folder_error``) instead of stopping the next one."""
        self.ensure_one()
        problems = []
        profile = self.with_context(pms_drop_folder_problems=problems)
        logs = self.env["clinic.loyalty.pms.import"]
        try:
            if commit:  # each file commits: a failure rolls back only the file under way
                logs = profile._import_drop_folder(commit=True)
            else:
                with self.env.cr.savepoint():
                    logs = profile._import_drop_folder()
        except Exception as e:  # noqa: BLE001 - one profile never stops the others
            if commit:
                self.env.cr.rollback()
            if isinstance(e, UserError):
                _logger.error("PMS import %s: %s", self.display_name, e)
                problems.append(str(e.args[0]))
            else:
                _logger.exception("PMS import %s failed", self.display_name)
                problems.append(_("The scan failed unexpectedly: %(error)s", error=e))
            self.env.invalidate_all()
        self.sudo().drop_folder_error = "\n".join(problems) or False
        return logs

    @api.model
    def _cron_import_drop_folders(self):
        profiles = self.sudo().search([("drop_folder", "!=", False)])
        for index, profile in enumerate(profiles):
            profile._scan_one_drop_folder(commit=True)
            self.env["ir.cron"]._notify_progress(done=index + 1, remaining=len(profiles) - index - 1)
            self.env.cr.commit()  # pylint: disable=invalid-commit
