import os
import tempfile
import time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PmsCommon

HEADER = (
    "invoice_number,date,status,client_id,client_name,phone,email,code,description,quantity,amount,patient\n"
)


@tagged("post_install", "-at_install")
class TestDropFolder(PmsCommon):
    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        self.generic.drop_folder = self.folder
        # Cron commits are not wanted inside a test transaction.
        self.patch(self.env.cr, "commit", lambda: None)

    def drop(self, name, content, age=3600):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(content)
        old = time.time() - age
        os.utime(path, (old, old))
        return path

    def test_nightly_job_end_to_end(self):
        self.drop("a-good.csv", (HEADER + "D1,2026-03-01,,P-1,A,,alice@example.com,EXAM,,1,40,\n").encode())
        self.drop("b-bad.csv", (HEADER + "D2,someday,,P-1,A,,,EXAM,,1,40,\n").encode())
        self.drop("c-fresh.csv", (HEADER + "D3,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode(), age=0)
        self.drop(".hidden.csv", b"whatever")
        os.mkdir(os.path.join(self.folder, "subdir"))
        os.symlink("/etc/passwd", os.path.join(self.folder, "link.csv"))
        self.env["clinic.loyalty.pms.profile"]._cron_import_drop_folders()
        processed = os.listdir(os.path.join(self.folder, "processed"))
        failed = os.listdir(os.path.join(self.folder, "failed"))
        self.assertEqual(
            sorted(n.split("-", 3)[-1] for n in processed), ["a-good.csv", "a-good.csv.report.txt"]
        )
        self.assertEqual(sorted(n.split("-", 3)[-1] for n in failed), ["b-bad.csv", "b-bad.csv.report.txt"])
        report = next(n for n in failed if n.endswith(".report.txt"))
        with open(os.path.join(self.folder, "failed", report), encoding="utf-8") as f:
            self.assertIn("Row 2: Cannot read the date 'someday'", f.read())
        # Still being written, hidden, a folder or a symlink: left alone.
        self.assertTrue({"c-fresh.csv", ".hidden.csv", "subdir", "link.csv"} <= set(os.listdir(self.folder)))
        self.assertTrue(self.Invoice.search([("name", "=", "D1")]))
        self.assertFalse(self.Invoice.search([("name", "in", ("D2", "D3"))]))
        logs = self.generic.import_ids
        self.assertEqual(sorted(logs.mapped("state")), ["done", "failed"])
        self.assertEqual(set(logs.mapped("origin")), {"folder"})
        self.env["clinic.loyalty.accrual"]._run_accrual()
        self.assertEqual(self.balance(self.alice), 4)

    def test_unexpected_error_rejects_the_file_and_goes_on(self):
        Import = self.registry["clinic.loyalty.pms.import"]
        original = Import._stage_batch

        def flaky(self, batch, *args):
            if any(row.invoice == "BOOM" for row in batch):
                raise RuntimeError("unexpected")
            return original(self, batch, *args)

        self.patch(Import, "_stage_batch", flaky)
        self.drop("1.csv", (HEADER + "BOOM,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode())
        self.drop("2.csv", (HEADER + "D2,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode())
        with self.assertLogs("odoo.addons.clinic_loyalty_pms_import.models.pms_profile", "ERROR"):
            logs = self.generic._import_drop_folder()
        self.assertEqual(logs.mapped("state"), ["failed", "done"])
        self.assertIn("server log", logs[0].report)
        self.assertFalse(self.Invoice.search([("name", "=", "BOOM")]))
        self.assertEqual(len(os.listdir(os.path.join(self.folder, "failed"))), 2)

    def test_file_over_size_limit(self):
        self.generic.max_file_size_mb = 1
        self.drop("big.csv", HEADER.encode() + b"x" * (1024 * 1024 + 1))
        logs = self.generic._import_drop_folder()
        self.assertEqual(logs.state, "failed")
        self.assertIn("larger than", logs.report)
        self.assertEqual(len(os.listdir(os.path.join(self.folder, "failed"))), 2)

    def test_manual_scan_button(self):
        self.drop("x.csv", (HEADER + "D1,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode())
        action = self.generic.action_scan_drop_folder()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.generic.import_ids.state, "done")

    def test_path_must_be_absolute_and_clean(self):
        for bad in ("relative/dir", "/srv/../etc", "/"):
            with self.assertRaisesRegex(ValidationError, "must be an absolute path without"):
                self.generic.drop_folder = bad

    def test_linked_sub_folders_are_refused(self):
        """processed/ or failed/ as a link would move the clinic's files out of
        the drop folder (to wherever the link points)."""
        outside = tempfile.TemporaryDirectory()
        self.addCleanup(outside.cleanup)
        path = self.drop("a.csv", (HEADER + "L1,2026-03-01,,P-1,A,,alice@example.com,EXAM,,1,40,\n").encode())
        for sub in ("processed", "failed"):
            os.symlink(outside.name, os.path.join(self.folder, sub))
            with self.assertRaisesRegex(UserError, "not a link", msg=sub):
                self.generic._import_drop_folder()
            os.unlink(os.path.join(self.folder, sub))
            os.mkdir(os.path.join(self.folder, sub))
        self.assertTrue(os.path.exists(path), "the file stays where the clinic put it")
        self.assertEqual(os.listdir(outside.name), [])
        self.assertFalse(self.Invoice.search([("name", "=", "L1")]))

    def test_missing_folder_is_reported(self):
        self.generic.drop_folder = os.path.join(self.folder, "nope")
        with self.assertRaisesRegex(UserError, "does not exist: create it on the server"):
            self.generic._import_drop_folder()

    def test_only_administrators_set_the_folder(self):
        manager = self._new_user("pms_mgr", "manager", self.clinic)
        with self.assertRaises(AccessError):
            self.generic.with_user(manager).drop_folder = "/tmp"
        # The manager reads the path; a front-desk user does not.
        self.assertEqual(self.generic.with_user(manager).drop_folder, self.folder)
        user = self._new_user("pms_usr", "front_desk", self.clinic)
        with self.assertRaises(AccessError):
            self.generic.with_user(user).read(["drop_folder"])

    def test_lines_and_client_file_imported_as_a_pair(self):
        profile = self.profiles["cornerstone"]
        profile.write({"drop_folder": self.folder, "discount_codes": "DISC10"})
        self.generic.drop_folder = False
        for sample, name in (
            ("cornerstone-transactions-0314.csv", "transactions-0314.csv"),
            ("cornerstone-clients-0314.csv", "clients-0314.csv"),
            ("cornerstone-transactions-0314.csv", "transactions-0315.csv"),
        ):
            with open(os.path.join(self.SAMPLES, sample), "rb") as f:
                self.drop(name, f.read())
        with self.assertLogs("odoo.addons.clinic_loyalty_pms_import.models.pms_profile", "WARNING") as logged:
            logs = profile._import_drop_folder()
        self.assertEqual(
            (logs.state, logs.file_name, logs.invoice_count), ("done", "transactions-0314.csv", 6)
        )
        self.assertIn("transactions-0315.csv waits for its client file", "\n".join(logged.output))
        processed = sorted(n.split("-", 3)[-1] for n in os.listdir(os.path.join(self.folder, "processed")))
        self.assertEqual(
            processed,
            [
                "clients-0314.csv",
                "clients-0314.csv.report.txt",
                "transactions-0314.csv",
                "transactions-0314.csv.report.txt",
            ],
        )
        self.assertIn("transactions-0315.csv", os.listdir(self.folder), "waits for its client file")
        self.accrue()
        self.assertEqual(self.points(), {"Alice Smith": 7, "Bob Jones": 9, "Carol White": 0})
