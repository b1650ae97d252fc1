from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.clinic_loyalty.controllers.portal import LoyaltyPortal

from ..tools import otp_code, otp_messages


class LoyaltyOtpPortal(LoyaltyPortal):
    """A portal request is confirmed with the code sent to the account's
    number when the clinic requires codes: the first POST sends the code, the
    second (with ``challenge_id`` and ``otp_code``) makes the request and
    spends the code in the same transaction."""

    @http.route(methods=["GET", "POST"])
    def portal_my_loyalty_request(self, account_id, reward_id=None, challenge_id=None, otp_code=None, **kw):
        if request.httprequest.method == "GET":
            return self._loyalty_code_page_reload(account_id, reward_id)
        account, preview = self._loyalty_account_get(account_id)
        if preview or not account.company_id.loyalty_otp_required:
            return super().portal_my_loyalty_request(account_id, reward_id=reward_id, **kw)
        reward = self._loyalty_reward_get(account, reward_id)
        Request = request.env["clinic.loyalty.reward.request"]
        try:
            if not challenge_id:
                Request._otp_portal_issue(account, reward)
                # The code leaves once this request commits: the page (GET)
                # then says whether it was sent, and is safe to reload.
                return request.redirect(f"/my/loyalty/{account.id}/request?reward_id={reward.id}")
            challenge = Request._otp_portal_challenge(account, reward, challenge_id)
            if Request._otp_portal_verify(challenge, otp_code) == "sent":
                error = _("Wrong code: %(left)s attempts left.", left=challenge._otp_attempts_left())
                return self._loyalty_code_page(account, reward, challenge, error=error)
            Request._create_request(
                account,
                reward,
                "portal",
                challenge=challenge,
                otp_binding={"origin_ref": Request._otp_portal_origin_ref(reward)},
            )
        except UserError as e:
            # Rendered, not raised: wrong-code counters and locks are kept.
            values = self._loyalty_page_values(account, error=e.args[0])
            return request.render("clinic_loyalty.portal_my_loyalty", values, status=409)
        return request.redirect(f"/my/loyalty/{account.id}?message=requested")

    def _loyalty_code_page_reload(self, account_id, reward_id):
        """GET: the page of the client's pending code for this reward (a
        reload, or the redirect after asking for a code); nothing is sent or
        requested here. Without one, back to the account."""
        account, preview = self._loyalty_account_get(account_id)
        back = request.redirect(f"/my/loyalty/{account.id}")
        if preview or not account.company_id.loyalty_otp_required:
            return back
        reward = self._loyalty_reward_get(account, reward_id)
        challenge = request.env["clinic.loyalty.reward.request"]._otp_portal_pending(account, reward)
        if not challenge:
            return back
        return self._loyalty_code_page(account, reward, challenge)

    def _loyalty_code_page(self, account, reward, challenge, error=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "loyalty",
                "account": account,
                "reward": reward,
                "challenge": challenge,
                "phone": otp_code.mask_phone(challenge.phone),
                "error": error,
                "send_failure": challenge.state == "send_failed"
                and otp_messages.portal_sms_failure(request.env, challenge.send_failure_type),
            }
        )
        return request.render("clinic_loyalty_otp.portal_loyalty_code", values)
