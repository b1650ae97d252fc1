from psycopg2.extras import execute_values

from odoo.tests import HttpCase, tagged

from .test_reward_request import RewardRequestCommon


@tagged("post_install", "-at_install")
class TestLoyaltyPortal(RewardRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_loyalty()
        cls.clinic.loyalty_description = "<p>One point for every 10.00 spent on care.</p>"
        cls.url = f"/my/loyalty/{cls.account.id}"

    def _login(self, login="loyalty_portal"):
        self.authenticate(login, login)

    def _counters(self):
        return self.make_jsonrpc_request("/my/counters", {"counters": ["loyalty_count"]})["loyalty_count"]

    def _post(self, url, data):
        data = dict(data, csrf_token=self.csrf_token())
        return self.url_open(url, data=data, allow_redirects=False)

    def csrf_token(self):
        """The session's CSRF token, from a portal form every user can open."""
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def test_tour_request_and_cancel(self):
        self.clinic_b.loyalty_status = "off"  # one clinic: the tile leads straight to its page
        self.Account._post_entries(
            [
                {
                    "account_id": self.account.id,
                    "points": 100,
                    "kind": "accrual",
                    "key": "tour:inv",
                    "source_name": "INV/TOUR/0001",
                }
            ]
        )
        self.Account._post_entries(
            [
                {
                    "account_id": self.account.id,
                    "points": -100,
                    "kind": "adjustment",
                    "key": "tour:seed-out",
                    "source_name": "Opening correction",
                }
            ]
        )
        self.env["clinic.loyalty.reward"].create(
            {"name": "Tour nail trim", "points_cost": 30, "company_id": self.clinic.id}
        )
        self.start_tour("/my", "portal_loyalty_tour", login="loyalty_portal")
        req = self.Request.search([("account_id", "=", self.account.id)])
        self.assertEqual(
            (req.reward_id.name, req.state, req.requested_by), ("Tour nail trim", "cancelled", "portal")
        )
        self.assertEqual(self.account.balance, 100)
        self.assertEqual(len(self._entries(self.account, "redemption")), 1)
        self.assertEqual(len(self._entries(self.account, "refund")), 1)
        self.assertBooksHold()

    def test_page_shows_own_data_only(self):
        self._login()
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Paws Clinic", page.text)
        self.assertIn("One point for every 10.00 spent on care.", page.text)
        self.assertIn("INV/TEST/0001", page.text)
        self.assertNotIn("INV/TEST/0002", page.text, "another client's history")
        self.assertNotIn("INV/B/0001", page.text, "another clinic's history")
        self.assertIn("Nail trim", page.text)
        self.assertNotIn("Old toy", page.text, "archived rewards are hidden")
        self.assertNotIn("Bath", page.text, "another clinic's rewards are hidden")
        self.assertEqual(page.text.count("o_loyalty_affordable"), 1, "only the 30-point reward is affordable")

    def test_other_client_account_is_404(self):
        self._login()
        for url in (
            f"/my/loyalty/{self.other_account.id}",
            "/my/loyalty/abc",
            "/my/loyalty/0",
            "/my/loyalty/99999999999",
            f"/my/loyalty/{self.other_account.id}/page/2",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        response = self._post(f"/my/loyalty/{self.other_account.id}/request", {"reward_id": self.reward.id})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.other_account.balance, 80)

    def test_off_and_test_are_404_for_clients(self):
        self._login()
        self.assertEqual(self._counters(), 2)
        for status in ("test", "off"):
            (self.clinic | self.clinic_b).loyalty_status = status
            with self.subTest(status=status):
                self.assertEqual(self.url_open(self.url).status_code, 404)
                self.assertEqual(self.url_open("/my/loyalty").status_code, 404)
                self.assertEqual(self._counters(), 0, "no tile")

    def test_staff_preview_in_test(self):
        self.clinic.loyalty_status = "test"
        preview = self.env.ref("clinic_loyalty.loyalty_account_action_portal_preview")
        ctx = {
            "active_model": self.account._name,
            "active_id": self.account.id,
            "active_ids": self.account.ids,
        }
        action = preview.with_user(self.frontdesk).with_context(**ctx).run()
        self.assertEqual(action["url"], self.url)
        self._login("loyalty_frontdesk")
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_loyalty_preview", page.text)
        self.assertNotIn('name="request"', page.text, "a preview cannot request")
        token = self.csrf_token()
        response = self.url_open(
            f"{self.url}/request",
            data={"reward_id": self.reward.id, "csrf_token": token},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.account.balance, 100)
        # A plain internal user has no preview; nobody previews a clinic that is Off,
        # nor another clinic's accounts.
        self._login("loyalty_plain_internal")
        self.assertEqual(self.url_open(self.url).status_code, 404)
        self._login("loyalty_frontdesk_b")
        self.assertEqual(self.url_open(self.url).status_code, 404)
        self.clinic.loyalty_status = "off"
        self._login("loyalty_frontdesk")
        self.assertEqual(self.url_open(self.url).status_code, 404)

    def test_two_clinics_shown_separately(self):
        self._login()
        page = self.url_open("/my/loyalty")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Paws Clinic", page.text)
        self.assertIn("Claws Clinic", page.text)
        self.assertIn(f'href="/my/loyalty/{self.account_b.id}"', page.text)
        page_b = self.url_open(f"/my/loyalty/{self.account_b.id}")
        self.assertIn("INV/B/0001", page_b.text)
        self.assertIn("Bath", page_b.text)
        self.assertNotIn("INV/TEST/0001", page_b.text)
        # Clinic B Off: only clinic A is left, /my/loyalty goes straight to it.
        self.clinic_b.loyalty_status = "off"
        response = self.url_open("/my/loyalty", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith(self.url))
        self.assertEqual(self.url_open(f"/my/loyalty/{self.account_b.id}").status_code, 404)

    def test_request_and_cancel_over_http(self):
        self._login()
        response = self._post(f"{self.url}/request", {"reward_id": self.reward.id})
        self.assertEqual(response.status_code, 303)
        req = self.Request.search([("account_id", "=", self.account.id)])
        self.assertEqual((req.state, self.account.balance), ("pending", 70))
        self.assertIn("Your request is recorded", self.url_open(response.headers["Location"]).text)
        # Nobody else cancels it.
        self._login("loyalty_frontdesk_b")
        self.assertEqual(self._post(f"/my/loyalty/request/{req.id}/cancel", {}).status_code, 404)
        self._login()
        cancel_url = f"/my/loyalty/request/{req.id}/cancel"
        self.assertEqual(self._post(cancel_url, {}).status_code, 303)
        second = self._post(cancel_url, {})
        self.assertEqual(second.status_code, 409)
        self.assertIn("no longer pending", second.text)
        self.account.invalidate_recordset()
        self.assertEqual(self.account.balance, 100)
        self.assertEqual(len(self._entries(self.account, "refund")), 1)

    def test_hostile_requests_consume_nothing(self):
        self._login()
        for reward_id in (
            "abc",
            "",
            "-1",
            "99999999999",
            self.reward_b.id,
            self.reward_archived.id,
            "1 OR 1=1",
        ):
            with self.subTest(reward_id=reward_id):
                response = self._post(f"{self.url}/request", {"reward_id": reward_id})
                self.assertEqual(response.status_code, 404)
        no_csrf = self.url_open(
            f"{self.url}/request", data={"reward_id": self.reward.id}, allow_redirects=False
        )
        self.assertEqual(no_csrf.status_code, 400)
        # GET never requests: refused here, or (clinic_loyalty_otp) the page of a pending code.
        get = self.url_open(f"{self.url}/request?reward_id={self.reward.id}", allow_redirects=False)
        self.assertIn(get.status_code, (303, 405), "GET cannot request")
        too_big = self._post(f"{self.url}/request", {"reward_id": self.reward_big.id})
        self.assertEqual(too_big.status_code, 409)
        self.assertIn("Not enough points", too_big.text)
        self.assertEqual(self.account.balance, 100)
        self.assertFalse(self.Request.search([("account_id", "=", self.account.id)]))
        self.assertFalse(self._entries(self.account, "redemption"))

    def test_query_count_bounded_with_10000_entries(self):
        big_client = self.env["res.partner"].create(
            {"name": "Busy Client", "email": "busy@client.example.com"}
        )
        big = self.Account._account_for(big_client, self.clinic)
        rows = [
            (
                big.id,
                big_client.id,
                self.clinic.id,
                1,
                10.0,
                "accrual",
                f"2025-01-01 00:00:{i % 60:02d}",
                self.env.uid,
                f"bulk:{i}",
                f"INV/BULK/{i:05d}",
                self.env.uid,
                self.env.uid,
            )
            for i in range(10000)
        ]
        execute_values(
            self.env.cr._obj,
            """
            INSERT INTO clinic_loyalty_entry (account_id, partner_id, company_id, points, amount, kind, date,
                user_id, key, source_name, create_uid, write_uid, create_date, write_date)
            SELECT v.*, now() at time zone 'UTC', now() at time zone 'UTC' FROM (VALUES %s) AS v
        """,
            rows,
            template="(%s, %s, %s, %s, %s, %s, %s::timestamp, %s, %s, %s, %s, %s)",
            page_size=2000,
        )
        self.env.cr.execute("UPDATE clinic_loyalty_account SET balance = 10000 WHERE id = %s", [big.id])
        self.env.invalidate_all()
        self.assertBooksHold()
        self._new_user("loyalty_busy", "portal", self.clinic, partner_id=big_client.id)
        small_client = self.env["res.partner"].create(
            {"name": "Quiet Client", "email": "q@client.example.com"}
        )
        small = self.Account._account_for(small_client, self.clinic)
        self.Account._post_entries(
            [
                {
                    "account_id": small.id,
                    "points": 5,
                    "kind": "accrual",
                    "key": "quiet:1",
                    "source_name": "INV/QUIET/1",
                }
            ]
        )
        self._new_user("loyalty_quiet", "portal", self.clinic, partner_id=small_client.id)

        def measure(login, url):
            self.authenticate(login, login)
            self.url_open(url)  # warm the caches (assets, views, session)
            before = self.cr.sql_log_count
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            return self.cr.sql_log_count - before, response

        big_count, response = measure("loyalty_busy", f"/my/loyalty/{big.id}/page/3")
        self.assertIn("INV/BULK/", response.text)
        self.assertEqual(response.text.count("o_loyalty_entry"), 20, "one page of history")
        self.assertIn(f'/my/loyalty/{big.id}/page/4"', response.text, "the pager links the next page")
        small_count, _response = measure("loyalty_quiet", f"/my/loyalty/{small.id}")
        self.assertLessEqual(
            big_count, small_count + 2, "the history length must not change the number of queries"
        )
        # The budget is measured on the busy client's own page, as that client.
        self.authenticate("loyalty_busy", "loyalty_busy")
        self.url_open(f"/my/loyalty/{big.id}/page/249")  # warm the caches (assets, views, session)
        with self.assertQueryCount(25):
            response = self.url_open(f"/my/loyalty/{big.id}/page/250")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count("o_loyalty_entry"), 20, "one page of history")
        self.assertIn("Paws Clinic", response.text)
        self.assertIn("INV/BULK/", response.text)
        self.assertIn(f'/my/loyalty/{big.id}/page/251"', response.text, "the pager links the next page")
