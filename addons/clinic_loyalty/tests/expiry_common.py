"""Builders of the points expiry tests: a clinic (On) whose points expire
after 12 months, and lots posted on given days."""

from datetime import date, datetime

from .test_reward_request import RewardRequestCommon


class ExpiryCommon(RewardRequestCommon):
    @classmethod
    def _setup_expiry(cls):
        cls._setup_loyalty()
        cls.Lot = cls.env["clinic.loyalty.lot"]
        cls.Allocation = cls.env["clinic.loyalty.allocation"]
        cls.Expiry = cls.env["clinic.loyalty.expiry"]
        cls.clinic.write({"loyalty_expiry_months": 12, "loyalty_expiry_notice_days": 30})
        cls.owner = cls.env["res.partner"].create({"name": "Ella Expiry", "email": "ella@client.example.com"})
        cls.acc = cls.Account._account_for(cls.owner, cls.clinic)

    def _add(self, points, day, account=None, kind="adjustment"):
        """Post ``points`` on ``account`` dated ``day`` (a date); returns its lot(s)."""
        account = account or self.acc
        key = f"test:add:{account.id}:{day}:{points}:{len(account.entry_ids)}"
        self.Account._post_entries(
            [
                {
                    "account_id": account.id,
                    "points": points,
                    "kind": kind,
                    "key": key,
                    "date": datetime.combine(day, datetime.min.time().replace(hour=10)),
                }
            ]
        )
        entry = self.Entry.search([("key", "=", key), ("company_id", "=", account.company_id.id)])
        return self.Lot.search([("entry_id", "=", entry.id)])

    def _portal_request(self, reward, account):
        req = (
            self.env["clinic.loyalty.reward.request"]
            .with_user(self.portal_user)
            ._create_request(account.sudo(), reward, "portal")
        )
        return req.with_env(self.env)

    def _take(self, points, account=None, kind="adjustment"):
        account = account or self.acc
        key = f"test:take:{account.id}:{points}:{len(account.entry_ids)}"
        self.Account._post_entries([{"account_id": account.id, "points": -points, "kind": kind, "key": key}])
        return self.Entry.search([("key", "=", key), ("company_id", "=", account.company_id.id)])

    def _lots(self, account=None):
        return self.Lot.search([("account_id", "=", (account or self.acc).id)], order="id")

    def assertLotsHoldBalance(self, account=None):
        """The live lots hold exactly the positive balance."""
        account = account or self.acc
        self.assertEqual(sum(self._lots(account).mapped("remaining")), max(account.balance, 0))
        self.assertEqual(self.Account._check_lot_drift(), [], "live lots hold every positive balance")
        self.assertBooksHold()


def d(text):
    return date.fromisoformat(text)
