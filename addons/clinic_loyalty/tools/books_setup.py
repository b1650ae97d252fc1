"""Where a clinic's points sit in its books: the loyalty accounts and journals
created on first use, and the transfer of the liability balance when a clinic
changes its liability account. Each takes the clinic (a ``res.company``
record) whose books it sets up; texts are written in its environment's
language."""

from odoo.exceptions import UserError
from odoo.fields import Command, Date

# (company field, name, type, code to count from when the chart has no
# account of that type yet)
LOYALTY_ACCOUNTS = (
    ("loyalty_liability_account_id", "liability_current", "2900"),
    ("loyalty_earned_account_id", "expense", "6900"),
    ("loyalty_breakage_account_id", "income_other", "7900"),
)


def has_chart(env, company):
    return bool(
        company.chart_template
        or env["account.account"].sudo().search_count([("company_ids", "=", company.id)], limit=1)
    )


def account_name(env, field):
    return {
        "loyalty_liability_account_id": env._("Loyalty points liability"),
        "loyalty_earned_account_id": env._("Loyalty points earned"),
        "loyalty_breakage_account_id": env._("Loyalty points breakage"),
        "loyalty_negative_account_id": env._("Loyalty points owed by clients"),
        "loyalty_deferred_account_id": env._("Deferred loyalty revenue"),
        "loyalty_revenue_account_id": env._("Loyalty revenue"),
    }[field]


def new_account(company, field, account_type, fallback_code):
    """A new account of ``account_type`` for ``company``, numbered after the
    last one of that type of its chart."""
    Account = company.env["account.account"].sudo().with_company(company)
    last = Account.search(
        [("company_ids", "=", company.id), ("account_type", "=", account_type)],
        order="code desc",
        limit=1,
    )
    return Account.create(
        {
            "name": account_name(company.env, field),
            "code": Account._search_new_account_code(last.code or fallback_code),
            "account_type": account_type,
            "reconcile": False,
            "company_ids": [Command.set(company.ids)],
        }
    )


def new_journal(company, name, journal_type, code, **values):
    Journal = company.env["account.journal"].sudo().with_company(company)
    used = set(Journal.search([("company_id", "=", company.id)]).mapped("code"))
    free = next(c for c in [code] + [f"{code[:4]}{i}" for i in range(1, 10)] if c not in used)
    # Last in the journal lists: Register Payment and the POS never pick
    # the points journal by default, it is chosen on purpose.
    return Journal.create(
        {
            "name": name,
            "type": journal_type,
            "code": free,
            "company_id": company.id,
            "sequence": 100,
            **values,
        }
    )


def setup_books(company):
    """Create the loyalty accounts and journals ``company`` lacks (none
    without a chart of accounts). Idempotent; what a clinic edited is kept."""
    env = company.env
    if not has_chart(env, company):
        return
    for field, account_type, fallback_code in LOYALTY_ACCOUNTS:
        if not company[field]:
            company[field] = new_account(company, field, account_type, fallback_code)
    if not company.loyalty_journal_id:
        company.loyalty_journal_id = new_journal(company, env._("Loyalty points"), "general", "LOYP")
    if not company.loyalty_payment_journal_id:
        liability = company.loyalty_liability_account_id
        journal = new_journal(
            company, env._("Loyalty points payments"), "bank", "LPAY", default_account_id=liability.id
        )
        (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).write(
            {"payment_account_id": liability.id}
        )
        # Odoo makes a payment account reconcilable, which would leave
        # every points payment "in process" waiting for a bank
        # statement that never comes: points are settled when paid.
        liability.reconcile = False
        company.loyalty_payment_journal_id = journal


def repoint_liability(company, old, new):
    """Everything that booked on ``old`` books on ``new``: the points-payment
    journal's default and payment accounts."""
    journal = company.loyalty_payment_journal_id
    if not journal:
        return
    if journal.default_account_id == old:
        journal.default_account_id = new
    (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).filtered(
        lambda line: line.payment_account_id in (old, company.env["account.account"])
    ).payment_account_id = new


def liability_balance(company, account):
    env = company.env
    env.flush_all()
    lines = (
        env["account.move.line"]
        .sudo()
        ._read_group(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
            ],
            aggregates=["balance:sum"],
        )
    )
    return lines[0][0] if lines else 0.0


def move_liability(company, old, new):
    """Transfer the balance of ``old`` to ``new`` (dated today, in the
    loyalty journal) and re-point what books on the liability."""
    env = company.env
    if new.account_type != "liability_current":
        raise UserError(
            env._(
                "The loyalty liability account must be a current liability: %(account)s is not.",
                account=new.display_name,
            )
        )
    balance = liability_balance(company, old)
    if not company.currency_id.is_zero(balance):
        if not company.loyalty_journal_id:
            raise UserError(
                env._(
                    "%(clinic)s has no loyalty journal to transfer the points liability in: set it in "
                    "Loyalty → Settings first.",
                    clinic=company.name,
                )
            )
        label = env._(
            "Loyalty points liability moved from %(old)s to %(new)s",
            old=old.display_name,
            new=new.display_name,
        )
        transfer = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company.loyalty_journal_id.id,
                    "date": Date.context_today(company.with_company(company)),
                    "ref": label,
                    "line_ids": [
                        Command.create({"name": label, "account_id": old.id, "balance": -balance}),
                        Command.create({"name": label, "account_id": new.id, "balance": balance}),
                    ],
                }
            )
        )
        transfer.action_post()
    company._loyalty_repoint_liability(old, new)
    # Odoo makes a payment account reconcilable: points payments are
    # settled when paid, nothing waits on a statement.
    new.reconcile = False


def setup_deferral(company):
    """The two accounts of the deferred-revenue method, created on first use
    (sudo ``company``)."""
    for field, account_type, fallback_code in (
        ("loyalty_deferred_account_id", "liability_current", "2900"),
        ("loyalty_revenue_account_id", "income", "4900"),
    ):
        if not company[field]:
            company.with_context(loyalty_accounting_setup=True)[field] = new_account(
                company, field, account_type, fallback_code
            )
