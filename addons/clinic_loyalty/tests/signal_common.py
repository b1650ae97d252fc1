"""A seeded month at one clinic for the staff-signal tests: ten honest staff
members selling, refunding, adjusting and redeeming as a clinic does, and one
dishonest cashier (Dave) doing each pattern once. Seeded set-based: one
``_post_entries`` call for the whole month."""

from datetime import datetime, timedelta

from odoo import fields

from .common import ClinicLoyaltyCommon


def precision_recall(found, expected):
    hits = len(found & expected)
    return (hits / len(found) if found else 1.0), (hits / len(expected) if expected else 1.0)


class SignalMonthCommon(ClinicLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Signal = env["clinic.loyalty.signal"]
        cls.clinic.loyalty_point_value = 0.1
        today = fields.Date.today()
        first = today.replace(day=1)
        cls.month_start = datetime.combine((first - timedelta(days=1)).replace(day=1), datetime.min.time())
        cls.month = cls.month_start.strftime("%Y-%m")
        # The review runs a few days on: the invoice grace period has passed.
        cls.review_now = fields.Datetime.now() + timedelta(days=5)
        cls.honest = env["res.users"]
        for i in range(10):
            cls.honest |= cls._new_user(
                f"sig_honest_{i}",
                "front_desk",
                cls.clinic,
                name=f"Honest {i}",
                email=f"honest{i}@clinic.example",
                mobile=f"+32 470 00 00 {i:02d}",
            )
        cls.dave = cls._new_user(
            "sig_dave",
            "manager",
            cls.clinic,
            name="Dave Dishonest",
            email="dave@clinic.example",
            mobile="+32 470 66 66 66",
        )
        cls.mia = cls._new_user(
            "sig_mia", "manager", cls.clinic, name="Mia Manager", email="mia@clinic.example"
        )
        Partner = env["res.partner"]
        cls.clients = Partner.create(
            [
                {"name": f"Client {i}", "email": f"client{i}@example.com", "mobile": f"+32 471 10 00 {i:02d}"}
                for i in range(40)
            ]
        )
        # An honest staff member's spouse: shares her email, buys a little.
        cls.spouse = Partner.create({"name": "Spouse of Honest 0", "email": "Honest0@clinic.example"})
        partners = cls.clients | cls.spouse | cls.honest.partner_id | cls.dave.partner_id
        pairs = [(p.id, cls.clinic.id) for p in partners]
        ids = cls.Account._get_or_create(pairs)
        cls.acc = {p: ids[(p.id, cls.clinic.id)] for p in partners}
        entries = []
        seq = [0]

        def post(partner, points, kind, user, day, hour=10, **values):
            seq[0] += 1
            entries.append(
                {
                    "account_id": cls.acc[partner],
                    "points": points,
                    "kind": kind,
                    "key": f"sig-seed-{seq[0]}",
                    "user_id": user.id,
                    "date": cls.month_start + timedelta(days=day, hours=hour),
                    **values,
                }
            )
            return f"sig-seed-{seq[0]}"

        # Honest month: sales earning points, a few redemptions during a
        # visit, a refund now and then, small goodwill adjustments, staff
        # buying for their own pets.
        for day in range(26):
            for n in range(6):
                user = cls.honest[(day + n) % 10]
                client = cls.clients[(day * 7 + n * 3) % 40]
                post(client, 8 + (day + n) % 7, "accrual", user, day, hour=9 + n)
        for i, user in enumerate(cls.honest):
            client = cls.clients[(i * 2 * 7) % 40]
            post(client, -5, "redemption", user, i * 2, hour=18)  # same day as a sale of theirs
            post(cls.clients[(i * 3 + 1) % 40], 10 + i, "adjustment", user, i + 3, reason="Goodwill")
            post(user.partner_id, 12, "accrual", user, i + 1)  # their own pet's consultation
        post(cls.spouse, 20, "accrual", cls.honest[0], 4)
        for i in (1, 4, 7):
            post(cls.clients[(i * 5 + 2) % 40], -6, "reversal", cls.honest[i], 20 + i)
        # Dave: each pattern once.
        cls.dave_own = [
            post(cls.dave.partner_id, 10, "accrual", cls.dave, d % 26, hour=11) for d in range(20)
        ]
        cls.dave_peers = [
            post(cls.clients[30 + i], 100, "adjustment", cls.dave, 2 + i, reason="Goodwill") for i in range(4)
        ]
        cls.friend = cls.clients[35]
        cls.dave_same = [
            post(cls.friend, 20, "adjustment", cls.dave, 10 + i, reason="Missed visit") for i in range(3)
        ]
        cls.refunded = cls.clients[36]
        post(cls.refunded, 60, "accrual", cls.honest[2], 5)
        cls.refund_key = post(cls.refunded, -40, "reversal", cls.honest[2], 12)
        cls.given_back = post(cls.refunded, 40, "adjustment", cls.dave, 14, reason="Correction")
        cls.absent = cls.clients[37]
        post(cls.absent, 80, "accrual", cls.honest[3], 3)
        cls.absent_redeem = post(cls.absent, -50, "redemption", cls.dave, 17, hour=19)
        cls.Account._post_entries(entries)
        cls.key_ids = dict(
            env.cr.execute("SELECT key, id FROM clinic_loyalty_entry WHERE key LIKE 'sig-seed-%%'")
            or env.cr.fetchall()
        )
        # Points with no money behind them: Dave's invoice, paid, accrued, then unpaid.
        cls.dave_invoice = cls._invoice(cls.clients[38], [(cls.vaccine, 400.0)], post=False)
        cls.dave_invoice.invoice_user_id = cls.dave
        cls.dave_invoice.action_post()
        cls._pay(cls.dave_invoice)
        cls.honest_invoice = cls._paid_invoice(cls.clients[39], [(cls.vaccine, 300.0)])
        cls.Accrual._run_accrual()
        cls._unpay(cls.dave_invoice)
        env.flush_all()

    def _ids(self, keys):
        return {self.key_ids[k] for k in keys}

    def _review(self, companies=None):
        return self.Signal._signal_compute(companies or self.clinic, now=self.review_now)

    def _expected_core(self):
        d = self.dave.id
        return {
            ("staff_earning", d, self.dave.partner_id.id),
            ("adjust_peers", d, False),
            ("adjust_same_client", d, self.friend.id),
            ("adjust_after_refund", d, self.refunded.id),
            ("unpaid", d, self.clients[38].id),
            ("redeem_absent", d, self.absent.id),
        }
