from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

MAX_ID = 2**31 - 1


def _history_words():
    """What a client reads for each kind of ledger line (staff see the ledger's own terms)."""
    return {
        "accrual": _("Points earned"),
        "reversal": _("Points taken back (refund or cancellation)"),
        "redemption": _("Reward"),
        "refund": _("Points given back"),
        "adjustment": _("Correction by the clinic"),
        "import": _("Points carried over"),
        "expiry": _("Points expired"),
    }


class LoyaltyPortal(CustomerPortal):
    """/my/loyalty: a client's points, history and rewards, per clinic.

    Everything is read with sudo() but always restricted to the accounts
    the logged-in portal user consents for: the account of their own contact
    (never of a parent company a contact can be moved under), or one a
    Loyalty Manager granted them. An account, reward or request that is not
    theirs answers 404. Clients see a clinic only when its programme is On;
    internal users never act through these routes: Loyalty Users may only
    preview an account (read-only), also in Test.
    """

    _loyalty_entries_per_page = 20

    def _loyalty_history_words(self):
        return _history_words()

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "loyalty_count" in counters:
            values["loyalty_count"] = len(self._loyalty_accounts())
        return values

    # ------------------------------------------------------------------
    # Access helpers
    # ------------------------------------------------------------------
    def _loyalty_is_staff(self):
        return request.env.user.has_group("clinic_loyalty.group_loyalty_user")

    def _loyalty_is_owner(self, account):
        """Consent is only ever the client's own: a portal user whose own
        contact holds the account, or one a Loyalty Manager granted."""
        user = request.env.user
        return user.share and (account.partner_id == user.partner_id or user in account.portal_user_ids)

    def _loyalty_accounts(self):
        """The logged-in client's own accounts they may see."""
        Account = request.env["clinic.loyalty.account"].sudo()
        user = request.env.user
        if not user.share:
            return Account
        return Account.search(
            [
                "|",
                ("partner_id", "=", user.partner_id.id),
                ("portal_user_ids", "in", user.id),
                ("company_id.loyalty_status", "=", "on"),
            ],
            order="company_id",
        )

    def _loyalty_account_get(self, account_id):
        """(account as sudo, preview) for ``account_id``, or 404.

        ``preview`` is True when a Loyalty User looks at an account that is
        not theirs or at a clinic still in Test: the page is read-only.
        """
        if not 0 < account_id <= MAX_ID:
            raise NotFound()
        account = request.env["clinic.loyalty.account"].sudo().browse(account_id).exists()
        if not account or not account.active:
            raise NotFound()
        status = account.company_id.loyalty_status
        if status == "on" and self._loyalty_is_owner(account):
            return account, False
        if (
            status in ("on", "test")
            and not request.env.user.share
            and self._loyalty_is_staff()
            and account.with_user(request.env.user).has_access("read")
        ):
            return account, True
        raise NotFound()

    def _loyalty_reward_get(self, account, reward_id):
        """The enabled reward ``reward_id`` of the account's clinic, or 404."""
        try:
            reward_id = int(reward_id)
        except (TypeError, ValueError):
            raise NotFound() from None
        if not 0 < reward_id <= MAX_ID:
            raise NotFound()
        reward = request.env["clinic.loyalty.reward"].sudo().with_context(active_test=False)
        reward = reward.browse(reward_id).exists()
        if not reward or not reward.active or reward.company_id != account.company_id:
            raise NotFound()
        return reward

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------
    def _loyalty_page_values(self, account, page=1, preview=False, **extra):
        """Everything /my/loyalty/<account> shows, in a bounded number of
        queries whatever the length of the history (paginated, and served by
        the (account_id, date desc, id desc) index)."""
        Entry = request.env["clinic.loyalty.entry"].sudo()
        domain = [("account_id", "=", account.id)]
        url = f"/my/loyalty/{account.id}"
        step = self._loyalty_entries_per_page
        pager = portal_pager(url=url, total=Entry.search_count(domain), page=page, step=step)
        entries = Entry.search(domain, order="date desc, id desc", limit=step, offset=pager["offset"])
        rewards = (
            request.env["clinic.loyalty.reward"].sudo().search([("company_id", "=", account.company_id.id)])
        )
        reward_requests = (
            request.env["clinic.loyalty.reward.request"]
            .sudo()
            .search([("account_id", "=", account.id)], limit=20)
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "loyalty",
                "account": account,
                "company": account.company_id,
                "entries": entries,
                "kinds": self._loyalty_history_words(),
                "pager": pager,
                "rewards": rewards,
                "reward_requests": reward_requests,
                "request_states": dict(
                    request.env["clinic.loyalty.reward.request"]
                    ._fields["state"]
                    ._description_selection(request.env)
                ),
                "preview": preview,
                "other_accounts": self._loyalty_accounts() - account,
            }
        )
        values.update(extra)
        return values

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------
    @http.route(["/my/loyalty"], type="http", auth="user", website=True)
    def portal_my_loyalty(self, **kw):
        accounts = self._loyalty_accounts()
        if not accounts:
            raise NotFound()
        if len(accounts) == 1:
            return request.redirect(f"/my/loyalty/{accounts.id}")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "loyalty", "loyalty_accounts": accounts})
        return request.render("clinic_loyalty.portal_my_loyalty_clinics", values)

    @http.route(
        ["/my/loyalty/<int:account_id>", "/my/loyalty/<int:account_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_loyalty_account(self, account_id, page=1, message=None, **kw):
        account, preview = self._loyalty_account_get(account_id)
        messages = {
            "requested": _(
                "Your request is recorded: the points are held until the clinic hands the "
                "reward over at your next visit."
            ),
            "cancelled": _("Your request is cancelled and the points are back on your balance."),
        }
        values = self._loyalty_page_values(account, page=page, preview=preview, message=messages.get(message))
        return request.render("clinic_loyalty.portal_my_loyalty", values)

    @http.route(
        ["/my/loyalty/<int:account_id>/request"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_loyalty_request(self, account_id, reward_id=None, **kw):
        account, preview = self._loyalty_account_get(account_id)
        if preview:
            raise NotFound()
        reward = self._loyalty_reward_get(account, reward_id)
        try:
            request.env["clinic.loyalty.reward.request"]._create_request(account, reward, "portal")
        except UserError as e:
            values = self._loyalty_page_values(account, error=e.args[0])
            return request.render("clinic_loyalty.portal_my_loyalty", values, status=409)
        return request.redirect(f"/my/loyalty/{account.id}?message=requested")

    @http.route(
        ["/my/loyalty/request/<int:request_id>/cancel"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_loyalty_request_cancel(self, request_id, **kw):
        if not 0 < request_id <= MAX_ID:
            raise NotFound()
        req = request.env["clinic.loyalty.reward.request"].sudo().browse(request_id).exists()
        if not req:
            raise NotFound()
        account, preview = self._loyalty_account_get(req.account_id.id)
        if preview:
            raise NotFound()
        try:
            req._cancel()
        except UserError as e:
            values = self._loyalty_page_values(account, error=e.args[0])
            return request.render("clinic_loyalty.portal_my_loyalty", values, status=409)
        return request.redirect(f"/my/loyalty/{account.id}?message=cancelled")
