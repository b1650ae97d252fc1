"""The pure helpers the models run (matching decisions, re-link entries,
batch grouping, drop folder files): no ORM, no database."""

import os
import tempfile
import time

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.pms_columns import PmsRow
from ..tools.pms_drop_folder import file_away, make_subfolders, settled_files
from ..tools.pms_matching import pick, relink_entries
from ..tools.pms_staging import group_batch


def row(invoice, code, amount, status="paid", kind="charge", client="C1"):
    values = dict.fromkeys(PmsRow._fields)
    values.update(
        row_number=1, invoice=invoice, code=code, description=f"{code} desc", amount=amount, status=status
    )
    values.update(kind=kind, client_ref=client, client_name="Ann", phone="555", email="ann@example.com")
    return PmsRow(**values)


@tagged("post_install", "-at_install")
class TestToolsHelpers(BaseCase):
    def test_pick_phone_first_then_email_then_both(self):
        self.assertEqual(pick({7}, {8}), (7, "phone", 1))
        self.assertEqual(pick(set(), {8}), (8, "email", 1))
        self.assertEqual(pick({7, 8}, {8}), (8, "phone", 1))
        self.assertEqual(pick({7, 8}, {9}), (None, None, 3))
        self.assertEqual(pick(set(), set()), (None, None, 0))

    def test_relink_entries_move_only_what_earned_elsewhere(self):
        invoices = [("pms", 1, "INV1", 10), ("pms", 2, "INV2", 5), ("pms", 3, "INV3", 4)]
        entries, moved = relink_entries(invoices, {1: 100, 2: 200}, 200, lambda i, s: f"k{i}:{s}", "why")
        self.assertEqual(moved, 10)  # INV2 already on the target, INV3 earned nowhere
        self.assertEqual(
            [(e["account_id"], e["points"], e["kind"], e["key"], e["res_id"]) for e in entries],
            [(100, -10, "reversal", "k1:100:out", 1), (200, 10, "import", "k1:100:in", 1)],
        )
        self.assertTrue(all(e["reason"] == "why" and e["source_name"] == "INV1" for e in entries))

    def test_group_batch_worst_state_total_and_new_codes(self):
        batch = [
            row("A", "EXAM", 40),
            row("A", "VAC", 10, status="open"),
            row("B", "EXAM", 5, status="void"),
            row("B", None, -2, kind="discount", status="paid"),
        ]
        codes, clients, invoices = group_batch(batch, {"VAC": 3})
        self.assertEqual(codes, {"EXAM": "EXAM desc"})
        self.assertEqual(clients, {"C1": ("Ann", "555", "ann@example.com")})
        self.assertEqual(
            {n: (h["state"], h["total"]) for n, h in invoices.items()}, {"A": ("open", 50), "B": ("void", 3)}
        )
        self.assertIs(invoices["A"]["first"], batch[0])

    def test_drop_folder_files_settled_and_filed_away(self):
        with tempfile.TemporaryDirectory() as folder:
            old = time.time() - 3600
            for name in ("b.csv", "a.csv", ".hidden.csv", "young.csv"):
                with open(os.path.join(folder, name), "w") as f:
                    f.write("x")
                if name != "young.csv":
                    os.utime(os.path.join(folder, name), (old, old))
            os.symlink(os.path.join(folder, "a.csv"), os.path.join(folder, "link.csv"))
            self.assertEqual([n for n, _p in settled_files(folder, self.fail)], ["a.csv", "b.csv"])
            self.assertIsNone(make_subfolders(folder))
            file_away(folder, os.path.join(folder, "a.csv"), "a.csv", True, "S", "report")
            with open(os.path.join(folder, "processed", "S-a.csv.report.txt")) as f:
                self.assertEqual(f.read(), "report")
            self.assertFalse(os.path.exists(os.path.join(folder, "a.csv")))
            os.rmdir(os.path.join(folder, "failed"))
            os.symlink("/tmp", os.path.join(folder, "failed"))
            self.assertEqual(make_subfolders(folder), os.path.join(folder, "failed"))
