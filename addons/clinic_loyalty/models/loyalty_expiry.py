import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import ledger_sql

_logger = logging.getLogger(__name__)


class ClinicLoyaltyExpiry(models.AbstractModel):
    """The nightly points expiry: lots past their expiry date and not drawn.

    Batches of accounts (in id order): one query locks a batch, one reads
    what expired under the lock, then ``_post_entries`` posts one ``expiry``
    entry per account, which draws exactly those lots (they expire first).
    A batch commits as a whole, so a run killed at any point leaves every
    account either fully expired or untouched, and a drawn lot is never
    expired again: each lot expires exactly once. The key (account, day)
    makes a replayed batch post nothing. A balance at or below zero never
    expires further. Then the warnings: one email per client for lots
    entering the clinic's notice window, remembered on the lots.
    """

    _name = "clinic.loyalty.expiry"
    _description = "Loyalty points expiry"

    BATCH_SIZE = 2000

    @api.model
    def _check_expiry_rights(self):
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            raise AccessError(_("Only a Loyalty Manager runs the points expiry."))

    @api.model
    def _cron_expire_points(self):
        expired = self._run_expiry(commit=True, progress=True)
        warned = self._send_notices(commit=True)
        _logger.info("Loyalty expiry: %s accounts expired, %s clients warned", expired, warned)

    @api.model
    def _run_expiry(self, today=None, batch_size=None, commit=False, progress=False):
        """Expire every lot due on ``today`` (default: today); returns the
        number of accounts that lost points. ``commit`` commits after each
        batch (cron)."""
        self._check_expiry_rights()
        today = today or fields.Date.today()
        batch_size = batch_size or self.BATCH_SIZE
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT count(DISTINCT account_id) FROM clinic_loyalty_lot
                    WHERE remaining > 0 AND expiry_date <= %s""",
                today,
            )
        )
        total = self.env.cr.fetchone()[0]
        after_id, done, expired = 0, 0, 0
        while True:
            count, after_id, posted = self._expire_batch(today, after_id, batch_size)
            if not count:
                break
            done += count
            expired += posted
            if progress:
                self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            if commit:
                # Each batch is a unit: entries, draws and balances commit together.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return expired

    @api.model
    def _expire_batch(self, today, after_id, batch_size):
        """Expire the next ``batch_size`` accounts after ``after_id`` with
        lots due: returns (accounts seen, last account id, entries posted)."""
        cr = self.env.cr
        # Lock the batch's accounts (id order, like every locker) first, so
        # what expired is read with no redemption in between.
        cr.execute(
            SQL(
                """
            SELECT a.id, a.balance FROM clinic_loyalty_account a
             WHERE a.id = ANY(ARRAY(
                    SELECT DISTINCT l.account_id FROM clinic_loyalty_lot l
                     WHERE l.remaining > 0 AND l.expiry_date <= %(today)s AND l.account_id > %(after)s
                     ORDER BY l.account_id LIMIT %(limit)s))
             ORDER BY a.id FOR NO KEY UPDATE OF a
        """,
                today=today,
                after=after_id,
                limit=batch_size,
            )
        )
        balances = dict(cr.fetchall())
        if not balances:
            return 0, after_id, 0
        cr.execute(
            SQL(
                """SELECT account_id, SUM(remaining) FROM clinic_loyalty_lot
                    WHERE account_id = ANY(%s) AND remaining > 0 AND expiry_date <= %s
                    GROUP BY account_id""",
                list(balances),
                today,
            )
        )
        expired = cr.fetchall()
        reason = _("Points expired")
        entries = [
            {
                "account_id": account_id,
                # Never below zero: a negative balance has nothing left to expire.
                "points": -min(points, balances[account_id]),
                "kind": "expiry",
                "key": f"expiry:{account_id}:{today}",
                "reason": reason,
            }
            for account_id, points in expired
            if balances[account_id] > 0
        ]
        posted = self.env["clinic.loyalty.account"].sudo()._post_entries(entries)
        return len(balances), max(balances), len(posted)

    # ------------------------------------------------------------------
    # Warnings
    # ------------------------------------------------------------------
    @api.model
    def _send_notices(self, today=None, batch_size=None, commit=False):
        """One email per client whose points enter their clinic's notice
        window (``loyalty_expiry_notice_days`` before they expire), listing
        what expires when; each lot is warned about once. Returns the number
        of accounts warned."""
        self._check_expiry_rights()
        today = today or fields.Date.today()
        batch_size = batch_size or self.BATCH_SIZE
        template = self.env.ref("clinic_loyalty.mail_template_points_expiry", raise_if_not_found=False)
        Account = self.env["clinic.loyalty.account"].sudo()
        warned, after_id = 0, 0
        while True:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                SELECT l.account_id, array_agg(l.id), bool_or(p.email IS NOT NULL AND p.email <> '')
                  FROM clinic_loyalty_lot l
                  JOIN res_company c ON c.id = l.company_id
                  JOIN clinic_loyalty_account a ON a.id = l.account_id
                  JOIN res_partner p ON p.id = a.partner_id
                 WHERE l.remaining > 0 AND l.notice_date IS NULL AND l.expiry_date > %(today)s
                   AND c.loyalty_expiry_notice_days > 0
                   AND l.expiry_date <= %(today)s + c.loyalty_expiry_notice_days
                   AND l.account_id > %(after)s
                 GROUP BY l.account_id ORDER BY l.account_id LIMIT %(limit)s
            """,
                    today=today,
                    after=after_id,
                    limit=batch_size,
                )
            )
            rows = self.env.cr.fetchall()
            if not rows:
                break
            for account_id, _lots, has_email in rows:
                if template and has_email:
                    account = Account.browse(account_id)
                    template.with_context(loyalty_expiry_today=today).send_mail(account.id)
            self.env.cr.execute(
                SQL(
                    "UPDATE clinic_loyalty_lot SET notice_date = %s WHERE id = ANY(%s)",
                    today,
                    [lot for _a, lots, _e in rows for lot in lots],
                )
            )
            self.env["clinic.loyalty.lot"].invalidate_model(["notice_date"])
            warned += sum(1 for row in rows if row[2])
            after_id = rows[-1][0]
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return warned

    @api.model
    def _notice_until(self, company, today=None):
        """Last day a warning sent ``today`` covers for ``company``."""
        return (today or fields.Date.today()) + timedelta(days=company.loyalty_expiry_notice_days)

    @api.model
    def _loyalty_schedule(self, account_id, until=None, limit=3):
        """[(date, points)] of the account's live points that expire, the
        first ``limit`` dates (all when None), up to ``until`` if given."""
        self.env["clinic.loyalty.lot"].flush_model()
        self.env.cr.execute(ledger_sql.expiry_schedule(account_id, until, limit))
        return self.env.cr.fetchall()
