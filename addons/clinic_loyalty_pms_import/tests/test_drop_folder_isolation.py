"""One profile's folder never stops the next one; a manager scans only the
folders of their own clinics; a PMS invoice too large to be points is set
aside while the rest accrues."""

import base64
import os
import tempfile
import time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PmsCommon

HEADER = (
    "invoice_number,date,status,client_id,client_name,phone,email,code,description,quantity,amount,patient\n"
)


@tagged("post_install", "-at_install")
class TestDropFolderIsolation(PmsCommon):
    def setUp(self):
        super().setUp()
        self.folders = {}
        for key in ("first", "second"):
            tmp = tempfile.TemporaryDirectory()
            self.addCleanup(tmp.cleanup)
            self.folders[key] = tmp.name
        # Profiles are scanned in (company, name) order: "first" comes first.
        self.first = self.generic
        self.first.write({"name": "a first export", "drop_folder": self.folders["first"]})
        self.second = self.first.copy({"name": "b second export", "drop_folder": self.folders["second"]})
        # The cron commits (and rolls back a failed profile): not inside a test transaction.
        self.patch(self.env.cr, "commit", lambda: None)
        self.patch(self.env.cr, "rollback", lambda: None)

    def drop(self, folder, name, content):
        path = os.path.join(os.fsencode(folder), os.fsencode(name) if isinstance(name, str) else name)
        with open(path, "wb") as f:
            f.write(content)
        old = time.time() - 3600
        os.utime(path, (old, old))
        return path

    def test_processed_as_a_plain_file_stops_only_its_profile(self):
        processed = os.path.join(self.folders["first"], "processed")
        with open(processed, "w", encoding="utf-8") as f:
            f.write("not a folder")
        stuck = self.drop(
            self.folders["first"], "a.csv", (HEADER + "F1,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode()
        )
        self.drop(self.folders["second"], "b.csv", (HEADER + "S1,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode())
        with self.assertLogs("odoo.addons.clinic_loyalty_pms_import.models.pms_profile", "ERROR"):
            self.env["clinic.loyalty.pms.profile"]._cron_import_drop_folders()
        self.assertIn("must be a real folder", self.first.drop_folder_error)
        self.assertTrue(os.path.isfile(processed), "the plain file is left as it was")
        self.assertTrue(os.path.exists(stuck))
        self.assertFalse(self.Invoice.search([("name", "=", "F1")]))
        self.assertEqual(self.Invoice.search([("name", "=", "S1")]).profile_id, self.second)
        self.assertFalse(self.second.drop_folder_error)

    def test_name_not_utf8_is_skipped_and_said_on_the_profile(self):
        bad = self.drop(
            self.folders["first"], b"bad-\xff.csv", (HEADER + "U1,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode()
        )
        self.drop(
            self.folders["first"], "good.csv", (HEADER + "U2,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode()
        )
        self.drop(self.folders["second"], "b.csv", (HEADER + "S2,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode())
        with self.assertLogs("odoo.addons.clinic_loyalty_pms_import.models.pms_profile", "WARNING"):
            self.env["clinic.loyalty.pms.profile"]._cron_import_drop_folders()
        self.assertTrue(os.path.exists(bad), "left where the PMS put it")
        self.assertIn("not valid UTF-8", self.first.drop_folder_error)
        self.assertEqual(len(self.Invoice.search([("name", "in", ("U2", "S2"))])), 2)
        self.assertFalse(self.Invoice.search([("name", "=", "U1")]))

    def test_manager_of_another_clinic_cannot_scan(self):
        clinic_b = self.env["res.company"].create({"name": "Hillside Vets"})
        manager_b = self._new_user("pms_iso_mgr_b", "manager", clinic_b)
        manager_a = self._new_user("pms_iso_mgr_a", "manager", self.clinic)
        self.drop(self.folders["first"], "a.csv", (HEADER + "M1,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode())
        # The button's call_kw, with the other clinic's id.
        with self.assertRaises(AccessError):
            self.first.with_user(manager_b).action_scan_drop_folder()
        self.assertFalse(self.Invoice.search([("name", "=", "M1")]))
        self.first.with_user(manager_a).action_scan_drop_folder()
        self.assertTrue(self.Invoice.search([("name", "=", "M1")]))
        # The upload wizard, opened on clinic A's profile by clinic B's manager.
        content = (HEADER + "M2,2026-03-01,,P-1,A,,,EXAM,,1,40,\n").encode()
        wizard = (
            self.env["clinic.loyalty.pms.upload"]
            .with_user(manager_b)
            .create({"profile_id": self.first.id, "file": base64.b64encode(content), "file_name": "up.csv"})
        )
        with self.assertRaises(AccessError):
            wizard.action_import()
        self.assertFalse(self.Invoice.search([("name", "=", "M2")]))


@tagged("post_install", "-at_install")
class TestPmsOverflow(PmsCommon):
    def test_huge_pms_invoice_is_set_aside_the_others_accrue(self):
        huge = ["H1,2026-03-01,,P-1,Alice,,alice@example.com,EXAM,,1,999999999.00," for _i in range(25)]
        self.import_rows(self.generic, [*huge, "N1,2026-03-01,,P-9,Carol,,carol@example.com,EXAM,,1,40.00,"])
        invoice = self.Invoice.search([("name", "=", "H1")])
        self.assertEqual(len(invoice), 1)
        self.env["clinic.loyalty.accrual"]._run_accrual()
        normal = self.Invoice.search([("name", "=", "N1")])
        self.assertEqual(normal.partner_id, self.carol)
        self.assertEqual(normal.loyalty_points, 4)
        self.assertEqual(self.balance(self.carol), 4)
        self.assertFalse(invoice.loyalty_synced)
        failure = self.env["clinic.loyalty.accrual.failure"].search(
            [("res_model", "=", invoice._name), ("res_id", "=", invoice.id)]
        )
        self.assertEqual(failure.state, "open")
        self.assertIn("points", failure.reason)
