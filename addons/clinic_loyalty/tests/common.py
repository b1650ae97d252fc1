"""The builders every clinic loyalty test starts from (the other addons'
``tests/common.py`` extend them): users by role, accounts with points
(:class:`LoyaltyBuilders`), and a
clinic with a chart of accounts whose invoices are issued, paid, credited
and accrued through the real accounting flows (:class:`ClinicLoyaltyCommon`).
"""

from contextlib import contextmanager

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# The lowest rights of each role: extra groups are added by name.
ROLE_GROUPS = {
    "manager": "base.group_user,clinic_loyalty.group_loyalty_manager",
    "front_desk": "base.group_user,clinic_loyalty.group_loyalty_user",
    "employee": "base.group_user",
    "portal": "base.group_portal",
}


class QueryCounter:
    """Counts every statement sent to PostgreSQL through a cursor, including
    the ones the engine sends straight to psycopg2 (``execute_values`` on
    ``cr._obj``), which ``assertQueryCount`` does not see."""

    def __init__(self, obj):
        self._wrapped = obj
        self.count = 0

    def execute(self, *args, **kwargs):
        self.count += 1
        return self._wrapped.execute(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


@contextmanager
def count_queries(cr):
    """``with count_queries(env.cr) as counter: ...``; then ``counter.count``."""
    real = getattr(cr, "_cursor", cr)
    counter = QueryCounter(real._obj)
    real._obj = counter
    try:
        yield counter
    finally:
        real._obj = counter._wrapped


def new_user(env, login, role, companies, *groups, **values):
    """A user of ``role`` (a key of :data:`ROLE_GROUPS`) plus ``groups``
    (xml ids), working at ``companies`` (the first one is current); its
    password is its login (padded to 8 characters with "x")."""
    user = new_test_user(
        env(su=True),  # some bases (accounting tests) run as a restricted user
        login=login,
        groups=",".join([ROLE_GROUPS[role], *groups]),
        company_id=companies[:1].id,
        company_ids=[Command.set(companies.ids)],
        **values,
    )
    return user.with_env(env)


def account_with_points(env, partner, company, points=0, key=None, **entry_values):
    """The account of ``partner`` at ``company`` (in ``env``), credited
    ``points`` (one adjustment entry, under ``key``) if any."""
    Account = env["clinic.loyalty.account"]
    account = Account._account_for(partner, company)
    if points:
        Account._post_entries(
            [
                {
                    "account_id": account.id,
                    "points": points,
                    "kind": "adjustment",
                    "key": key or f"seed:{partner.id}:{company.id}",
                    **entry_values,
                }
            ]
        )
    return account


class LoyaltyBuilders:
    """The builders above on ``cls.env``, for any test case class."""

    @classmethod
    def _new_user(cls, login, role, companies, *groups, **values):
        return new_user(cls.env, login, role, companies, *groups, **values)

    @classmethod
    def _account_with_points(cls, partner, company, points=0, key=None, sudo=False, **entry_values):
        env = cls.env(su=True) if sudo else cls.env
        return account_with_points(env, partner, company, points, key, **entry_values)


class ClinicLoyaltyCommon(LoyaltyBuilders, AccountTestInvoicingCommon):
    """A clinic (the test company, with a chart of accounts) whose programme
    is in Test, earning per transaction 1 point per 10.00 of eligible spend."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.company_data["company"]
        # The test user (an accountant of the clinic) also manages the programme.
        cls.env.user.groups_id += cls.env.ref("clinic_loyalty.group_loyalty_manager")
        cls.clinic.write(
            {
                "loyalty_status": "test",
                "loyalty_earning_mode": "per_transaction",
                "loyalty_spend_per_point": 10.0,
                "loyalty_min_transaction_amount": 0.0,
            }
        )
        if "loyalty_otp_required" in cls.clinic._fields:
            # These tests are about the core; clinic_loyalty_otp tests its code check.
            cls.clinic.loyalty_otp_required = False
        cls.Account = cls.env["clinic.loyalty.account"]
        cls.Entry = cls.env["clinic.loyalty.entry"]
        cls.Accrual = cls.env["clinic.loyalty.accrual"]
        cls.tax_15 = cls.env["account.tax"].create(
            {
                "name": "VAT 15% (loyalty tests)",
                "amount": 15.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.clinic.id,
            }
        )
        cls.consultation = cls._create_product(
            name="Consultation",
            default_code="CONS",
            list_price=15.0,
            type="service",
            loyalty_eligible=True,
            taxes_id=[Command.set(cls.tax_15.ids)],
        )
        cls.vaccine = cls._create_product(
            name="Vaccination",
            default_code="VACC",
            list_price=40.0,
            type="service",
            loyalty_eligible=True,
            taxes_id=[Command.set(cls.tax_15.ids)],
        )
        cls.pet_food = cls._create_product(
            name="Pet food",
            default_code="FOOD",
            list_price=25.0,
            loyalty_eligible=False,
            taxes_id=[Command.set(cls.tax_15.ids)],
        )
        cls.euthanasia = cls._create_product(
            name="Euthanasia",
            default_code="EUTH",
            list_price=90.0,
            type="service",
            loyalty_sensitive=True,
            loyalty_eligible=False,
            taxes_id=[Command.set(cls.tax_15.ids)],
        )
        cls.client_a = cls.env["res.partner"].create({"name": "Alice Owner", "email": "alice@example.com"})
        cls.client_b = cls.env["res.partner"].create({"name": "Bob Owner", "email": "bob@example.com"})
        cls.farm = cls.env["res.partner"].create({"name": "Green Farm", "is_company": True})
        cls.farm_contact = cls.env["res.partner"].create({"name": "Carl Farmer", "parent_id": cls.farm.id})

    def tearDown(self):
        # balance == sum(entries) after every scenario, whatever it did.
        drift = self.Account._check_drift()
        super().tearDown()
        self.assertEqual(drift, [], "loyalty balances drifted from the ledger")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def _invoice(
        cls, partner, lines, *, currency=None, date=None, company=None, post=True, move_type="out_invoice"
    ):
        """An invoice of ``lines``: [(product, price_unit[, quantity])]."""
        company = company or cls.clinic
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": date or fields.Date.today(),
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line[0].id,
                                "price_unit": line[1],
                                "quantity": line[2] if len(line) > 2 else 1.0,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoices, date=None):
        """Register a full payment for each of ``invoices``."""
        return (
            cls.env["account.payment.register"]
            .with_context(
                active_model="account.move",
                active_ids=invoices.ids,
            )
            .create(
                {
                    "payment_date": date or fields.Date.today(),
                    "group_payment": False,
                }
            )
            ._create_payments()
        )

    @classmethod
    def _paid_invoice(cls, partner, lines, **kwargs):
        invoice = cls._invoice(partner, lines, **kwargs)
        cls._pay(invoice)
        assert invoice.payment_state in ("paid", "in_payment"), invoice.payment_state
        return invoice

    @classmethod
    def _credit_note(cls, invoice, ratio=1.0, amount=None):
        """Post a credit note reversing ``invoice``: in full, or ``ratio`` of
        every line, or ``amount`` (untaxed) on its first line only."""
        refund = invoice._reverse_moves([{"invoice_date": invoice.invoice_date, "date": invoice.date}])
        if amount is not None:
            first = refund.invoice_line_ids[0]
            refund.write(
                {
                    "invoice_line_ids": [Command.update(first.id, {"price_unit": amount})]
                    + [Command.delete(line.id) for line in refund.invoice_line_ids - first]
                }
            )
        elif ratio != 1.0:
            refund.write(
                {
                    "invoice_line_ids": [
                        Command.update(line.id, {"price_unit": line.price_unit * ratio})
                        for line in refund.invoice_line_ids
                    ]
                }
            )
        refund.action_post()
        return refund

    @classmethod
    def _unpay(cls, invoice):
        """Remove the payment from ``invoice`` (unreconcile its receivable)."""
        invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()

    def _accrue(self, **kwargs):
        return self.Accrual._run_accrual(**kwargs)

    def _account(self, partner, company=None):
        return self.Account.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", (company or self.clinic).id),
            ]
        )

    def _balance(self, partner, company=None):
        return self._account(partner, company).balance

    def _entries(self, partner, company=None):
        return self.Entry.search([("account_id", "=", self._account(partner, company).id)], order="id")

    def _post(self, account, points, kind="adjustment", key=None, **values):
        """Post one ledger entry through the one posting method."""
        key = key or f"test:{kind}:{account.id}:{len(account.entry_ids) + 1}:{points}"
        return self.Account._post_entries(
            [{"account_id": account.id, "points": points, "kind": kind, "key": key, **values}]
        )
