import functools
import logging

from odoo import SUPERUSER_ID, api, models

from ..tools.otp_code import mask_secret

_logger = logging.getLogger(__name__)


class _UnmaskingSmsApi:
    """The clinic's provider API, sending ``body`` in full where the kept
    ``sms`` has its secret masked; a provider failure is logged by name only."""

    def __init__(self, sms_api, sms, body):
        self._sms_api = sms_api
        self._sms = sms
        self._body = body

    def __getattr__(self, name):
        return getattr(self._sms_api, name)

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        messages = [dict(message, content=self._body) for message in messages]
        try:
            return self._sms_api._send_sms_batch(messages, delivery_reports_url=delivery_reports_url)
        except Exception as exc:
            _logger.warning("Loyalty code SMS %s could not be sent: %s", self._sms.id, type(exc).__name__)
            raise  # ``_send_with_api`` records it as a server error


def send_after_commit(registry, company_id, number, body, partner_id, secret, then):
    """Post-commit hook of :meth:`SmsSms._loyalty_send_after_commit`: sends
    on a cursor of its own, then calls ``then`` there."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        sms = env["sms.sms"]._loyalty_send(
            env["res.company"].browse(company_id),
            number,
            body,
            partner=env["res.partner"].browse(partner_id),
            secret=secret,
        )
        if then:
            model, res_id, method, *args = then
            record = env[model].browse(res_id).exists()
            if record:
                getattr(record, method)(sms, *args)


class SmsSms(models.Model):
    """The one way the loyalty addons send an SMS (codes, and notices to a
    client's number): now, through the clinic's own provider, with Odoo's
    own sending and state mapping (``_send_with_api``)."""

    _inherit = "sms.sms"

    @api.model
    def _loyalty_send(self, company, number, body, *, partner=None, secret=None):
        """Send ``body`` to ``number`` now through ``company``'s provider (IAP
        credits or Twilio) and return the kept ``sms.sms``: its ``state`` is
        ``error`` (with ``failure_type``) when the provider refused it.
        ``secret`` is masked in the kept record: it is never written to the
        database, not even for an instant."""
        # The clinic's own provider and credits: the API reads env.company
        # (Twilio account) and env.companies (IAP account).
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids), su=True)
        sms = env["sms.sms"].create(
            {
                "number": number,
                "body": mask_secret(body, secret),
                "partner_id": partner.id if partner else False,
            }
        )
        sms_api = company.with_env(env)._get_sms_api_class()(env)
        sms_api._set_company(company)
        sms._send_with_api(_UnmaskingSmsApi(sms_api, sms, body), unlink_failed=False, unlink_sent=False)
        return sms

    @api.model
    def _loyalty_send_after_commit(self, company, number, body, *, partner=None, secret=None, then=None):
        """:meth:`_loyalty_send` once the transaction commits (a rolled back
        change tells nobody, a retried one never sends twice).

        :param then: ``(model, id, method, *args)``: ``method`` of that record
            is called with the kept ``sms.sms`` (and ``args``) in the sending
            transaction.
        """
        self.env.cr.postcommit.add(
            functools.partial(
                send_after_commit,
                self.env.registry,
                company.id,
                number,
                body,
                partner.id if partner else False,
                secret,
                then,
            )
        )
