from freezegun import freeze_time

from odoo.tests import HttpCase, TransactionCase, tagged

from .expiry_common import ExpiryCommon, d


@tagged("post_install", "-at_install")
class TestExpiryNotice(ExpiryCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_expiry()

    def _mails(self):
        return self.env["mail.mail"].search(
            [("model", "=", "clinic.loyalty.account"), ("res_id", "=", self.acc.id)], order="id"
        )

    @freeze_time("2025-12-20 03:00:00")
    def test_warning_email_sent_once(self):
        self._add(15, d("2025-01-10"))  # expires 2026-01-10: in the 30-day window
        self._add(25, d("2025-01-15"))  # expires 2026-01-15: in the window too
        later = self._add(40, d("2025-03-01"))  # expires 2026-03-01: not yet
        self.assertEqual(self.Expiry._send_notices(), 1)
        mail = self._mails()
        self.assertEqual(len(mail), 1, "one email listing everything that expires soon")
        self.assertEqual(mail.recipient_ids, self.owner)
        self.assertIn("expire soon", mail.subject)
        self.assertRegex(mail.body_html, r"15\s*points on\s*01/10/2026")
        self.assertRegex(mail.body_html, r"25\s*points on\s*01/15/2026")
        self.assertNotIn("03/01/2026", mail.body_html, "a lot outside the window is for a later email")
        # Rerun, and the next nights: nothing twice.
        self.assertEqual(self.Expiry._send_notices(), 0)
        self.assertEqual(self.Expiry._send_notices(today=d("2025-12-21")), 0)
        self.assertEqual(len(self._mails()), 1)
        # The later lot enters the window: one more email, about it.
        self.assertEqual(self.Expiry._send_notices(today=d("2026-01-30")), 1)
        self.assertEqual(len(self._mails()), 2)
        self.assertIn("03/01/2026", self._mails()[-1].body_html)
        self.assertEqual(later.notice_date, d("2026-01-30"))

    @freeze_time("2025-12-20 03:00:00")
    def test_no_warning_when_disabled_or_drawn(self):
        self._add(15, d("2025-01-10"))
        self._take(15, kind="redemption")
        self.assertEqual(self.Expiry._send_notices(), 0, "spent points are not warned about")
        self.clinic.loyalty_expiry_notice_days = 0
        self._add(5, d("2025-01-11"))
        self.assertEqual(self.Expiry._send_notices(), 0, "0 days: no warning")
        self.assertFalse(self._mails())

    @freeze_time("2025-12-20 03:00:00")
    def test_staff_see_what_expires_when(self):
        self._add(15, d("2025-01-10"))
        self._add(5, d("2025-02-10"))
        self.assertEqual(
            self.acc.expiry_summary, "15 points expire on 01/10/2026; 5 points expire on 02/10/2026"
        )
        partner = self.owner.with_user(self.frontdesk).with_company(self.clinic)
        self.assertEqual(partner.loyalty_expiry_summary, self.acc.expiry_summary)
        self.assertFalse(self.client.loyalty_expiry_summary, "points that never expire show nothing")


@tagged("post_install", "-at_install")
class TestExpiryPortal(ExpiryCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_expiry()
        cls.acc = cls.account  # the portal user's own account
        cls.lot = ExpiryCommon._add(cls, 12, d("2026-01-10"))

    def test_portal_shows_points_and_date(self):
        self.authenticate("loyalty_portal", "loyalty_portal")
        page = self.url_open(f"/my/loyalty/{self.account.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_loyalty_expiry_line", page.text)
        self.assertRegex(page.text, r'fw-bold">12</span>\s*points expire on\s*<span[^>]*>01/10/2027')
