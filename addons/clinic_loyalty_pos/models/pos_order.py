from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import pos_earning_sql, pos_notices
from ..tools.pos_guard import (
    CREATING,
    LATE_FIELDS,
    LATE_WRITE,
    OPEN_ORDERS,
    ORDER_FROZEN_FIELDS,
    PAID_STATES,
    POS_SYNC,
    opening,
    setting,
    will_change,
)


class PosOrder(models.Model):
    """Paid POS orders of a client earn points: a source of the one accrual
    engine (``clinic.loyalty.spend.source``, SQL in ``tools/pos_earning_sql.py``).

    - What it earns on is frozen at payment: lines, amounts, rate and client,
      whoever writes and whatever the context, except while Odoo's own flows
      record it (the POS sync of that order, its invoicing). A client set on a
      paid order that had none is recorded, and the order earns nothing until
      a Loyalty Manager other than who set it confirms it.
    - Its "Loyalty points" payments spend their codes in the transaction that
      records it (``pos.payment``); a refund's give the points back.
    - A return of an eligible item names its original order or the client,
      and what was paid with points goes back as points, never as cash.
    - An invoiced order earns through its invoice, unless it had already
      earned before: then a credit note of the invoice takes back from it.
    """

    _name = "pos.order"
    _inherit = ["pos.order", "clinic.loyalty.spend.source"]

    loyalty_partner_late_user_id = fields.Many2one(
        "res.users",
        string="Client set after payment by",
        readonly=True,
        copy=False,
        help="Who set the client on this order after it was paid: it earns no points until a Loyalty "
        "Manager confirms the client.",
    )
    loyalty_partner_late_date = fields.Datetime(
        string="Client set after payment on", readonly=True, copy=False
    )
    loyalty_partner_confirmed_user_id = fields.Many2one(
        "res.users",
        string="Late client confirmed by",
        readonly=True,
        copy=False,
        help="The Loyalty Manager who confirmed the client set after payment: the order then earns.",
    )

    loyalty_points_estimate = fields.Integer(
        string="Points this sale earns",
        compute="_compute_loyalty_points_estimate",
        help="What the nightly accrual will give for this paid order, by its own rules (shown on the "
        "receipt; 0 when the clinic counts the total spend).",
    )
    loyalty_counts = fields.Boolean(compute="_compute_loyalty_points_estimate")

    @api.depends(
        "state",
        "partner_id",
        "account_move",
        "account_move.reversal_move_ids.state",
        "payment_ids.amount",
        "lines.price_subtotal",
        "lines.refund_orderline_ids.order_id.state",
        "loyalty_partner_late_user_id",
        "loyalty_partner_confirmed_user_id",
    )
    def _compute_loyalty_synced(self):
        for order in self:
            order.loyalty_synced = order.state not in PAID_STATES or not order.partner_id

    def _compute_loyalty_points_estimate(self):
        self.loyalty_points_estimate, self.loyalty_counts = 0, False
        paid = self.filtered(lambda o: o.id and o.state in PAID_STATES)
        if paid:
            self.env.flush_all()
            self.env.cr.execute(self._loyalty_rows_sql(paid.ids))
            for row in self.env.cr.dictfetchall():
                order = self.browse(row["id"])
                order.loyalty_counts = row["target"] > 0
                order.loyalty_points_estimate = order.company_id._loyalty_transaction_points(
                    row["target"], row["basis"]
                )

    def init(self):
        res = super().init()
        # The engine looks up each line's refund lines (not indexed by Odoo).
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS pos_order_line_loyalty_refunded_idx
                   ON pos_order_line (refunded_orderline_id) WHERE refunded_orderline_id IS NOT NULL"""
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # The POS sends back every field it loaded, these ones empty.
        if not LATE_WRITE.get() and any(vals.get(name) for vals in vals_list for name in LATE_FIELDS):
            raise AccessError(_("Who set a client after payment is recorded by the server only."))
        # The lines created with a new order (even one created paid) are
        # that order's own: the ORM binds them to it, whatever they say.
        with setting(CREATING, True):
            orders = super().create(vals_list)
            paid = orders.filtered(lambda o: o.state in PAID_STATES)
            paid._loyalty_check_returns()
        opened = OPEN_ORDERS.get()
        if opened is not None:
            opened.update(orders.ids)
        paid._loyalty_check_lines_add_up()
        return orders

    def write(self, vals):
        if not LATE_WRITE.get() and any(will_change(o, vals, name) for o in self for name in LATE_FIELDS):
            raise AccessError(_("Who set a client after payment is recorded by the server only."))
        late = self._loyalty_check_frozen_write(vals)
        paying = self.browse()
        if vals.get("state") in PAID_STATES:
            paying = self.filtered(lambda o: o.state not in PAID_STATES)
        # Checked before the state is written: Odoo's ``_process_saved_order``
        # logs and swallows what refuses ``action_pos_order_paid``. Whatever
        # path makes an order paid, its points payments are settled first.
        paying._loyalty_check_returns()
        for order in paying.filtered(lambda o: o._loyalty_otp_payments()):
            order._loyalty_otp_settle()
        result = super().write(vals)
        if late:
            late._loyalty_record_late_partner()
        paying._loyalty_check_lines_add_up()
        return result

    @api.model
    def _process_order(self, order, existing_order):
        """Spend the points of "Loyalty points" payments in the transaction
        that records the order: a refused payment refuses the whole order.
        Only here may such payments be created (see ``pos.payment``)."""
        with opening(existing_order.ids if existing_order else ()):
            self.env["pos.payment"]._loyalty_check_commands(order, existing_order)
            with setting(POS_SYNC, True):
                order_id = super()._process_order(order, existing_order)
                pos_order = self.browse(order_id)
                if pos_order.state not in ("draft", "cancel"):
                    pos_order._loyalty_otp_settle()
            # Odoo logs and swallows what refuses ``action_pos_order_paid``:
            # check the recorded order again, so a refused return records nothing.
            if order.get("state") in PAID_STATES or pos_order.state in PAID_STATES:
                pos_order._loyalty_check_returns()
            return order_id

    def _generate_pos_order_invoice(self):
        with opening(self.ids):
            return super()._generate_pos_order_invoice()

    def action_loyalty_confirm_late_partner(self):
        """A Loyalty Manager confirms the client set after payment: the order
        (or its invoice) earns from the next accrual on."""
        if not self.env.user.has_group("clinic_loyalty.group_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager confirms a client set after payment."))
        self.check_access("read")
        pending = self.sudo()._loyalty_late_pending().with_env(self.env)
        if pending.filtered(lambda o: o.loyalty_partner_late_user_id == self.env.user):
            raise AccessError(_("The client you set after payment is confirmed by another Loyalty Manager."))
        with setting(LATE_WRITE, True):
            pending.sudo().write({"loyalty_partner_confirmed_user_id": self.env.uid})
        for order in pending.sudo():
            order.message_post(
                author_id=self.env.user.partner_id.id,
                body=pos_notices.late_client_confirmed(self.env, order),
            )
        pending.sudo()._loyalty_resync()
        return True

    # ------------------------------------------------------------------
    # The accrual engine's source
    # ------------------------------------------------------------------
    @api.model
    def _loyalty_date_sql(self):
        return SQL("(date_order::date)")

    @api.model
    def _loyalty_candidates_sql(self):
        return SQL("state IN %s AND partner_id IS NOT NULL", PAID_STATES)

    @api.model
    def _loyalty_points_share_sql(self, order_alias):
        """The share of the order ``order_alias`` not paid with points: the
        engine's one rule (``_loyalty_not_in_points_sql``)."""
        return self._loyalty_not_in_points_sql(*pos_earning_sql.paid_in_points(order_alias))

    @api.model
    def _loyalty_rows(self, company, after_id, limit):
        # The batch query's estimated cost makes PostgreSQL compile it (JIT)
        # each time, for longer than it runs: not for this transaction.
        self.env.cr.execute("SET LOCAL jit = off")
        return super()._loyalty_rows(company, after_id, limit)

    @api.model
    def _loyalty_rows_sql(self, ids):
        eligible = self.env["product.template"]._loyalty_eligible_sql("pt", SQL("l.company_id"))
        rows = pos_earning_sql.order_rows(ids, eligible, PAID_STATES, self._loyalty_points_share_sql("o"))
        return pos_earning_sql.credited_rows(rows, eligible)

    # ------------------------------------------------------------------
    # Points payments
    # ------------------------------------------------------------------
    def _loyalty_otp_payments(self):
        return self.payment_ids._loyalty_points_payments()

    def _loyalty_otp_settle(self):
        """Spend each points payment's code (once), give back a refund's."""
        self._loyalty_otp_payments()._loyalty_settle()

    def _loyalty_points_ratio(self):
        """Share (0..1) of this order's total paid with loyalty points: the
        accrual's own rule (:meth:`_loyalty_points_share_sql`)."""
        self.ensure_one()
        self.env.flush_all()
        share = self._loyalty_points_share_sql("o")
        self.env.cr.execute(SQL("SELECT 1 - %s FROM pos_order o WHERE o.id = %s", share, self.id))
        return float(self.env.cr.fetchone()[0])

    # ------------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------------
    def _loyalty_check_returns(self):
        for order in self:
            order.lines._loyalty_check_return_traced()
            order.lines._loyalty_check_refunded_in_points()

    # ------------------------------------------------------------------
    # Frozen at payment
    # ------------------------------------------------------------------
    def _loyalty_frozen(self):
        """Those of these orders that are paid and not being recorded by
        Odoo's own flow right now."""
        opened = OPEN_ORDERS.get() or set()
        return self.filtered(lambda o: o.state in PAID_STATES and o.id not in opened)

    def _loyalty_check_frozen_write(self, vals):
        """Refuse a change of what a paid order earns on; return the paid
        orders that get a client now (they had none)."""
        frozen = self._loyalty_frozen()
        if not frozen:
            return self.browse()
        changed = sorted({name for o in frozen for name in ORDER_FROZEN_FIELDS if will_change(o, vals, name)})
        if changed:
            raise UserError(pos_notices.frozen(self.env, frozen, changed))
        if "partner_id" not in vals:
            return self.browse()
        moved = frozen.filtered(lambda o: o.partner_id.id != (vals["partner_id"] or False))
        if moved.filtered("partner_id"):
            raise UserError(pos_notices.client_kept(self.env, moved.filtered("partner_id")))
        return moved

    def _loyalty_check_lines_add_up(self):
        """The lines say what their price makes and add up to the order's
        total: a payload that says otherwise is refused whole."""
        for order in self:
            total = order.lines._loyalty_check_subtotals()
            currency = order.currency_id
            tolerance = currency.rounding * max(len(order.lines), 1)
            if order.config_id.cash_rounding and order.config_id.rounding_method:
                tolerance += order.config_id.rounding_method.rounding
            if abs(order.amount_total - total) > tolerance + 1e-9:
                raise UserError(pos_notices.lines_do_not_add_up(self.env, order, total))

    def _loyalty_record_late_partner(self):
        with setting(LATE_WRITE, True):
            self.write(
                {
                    "loyalty_partner_late_user_id": self.env.uid,
                    "loyalty_partner_late_date": fields.Datetime.now(),
                    "loyalty_partner_confirmed_user_id": False,
                }
            )
        self._loyalty_resync()

    def _loyalty_resync(self):
        """Have the accrual look at these orders (and their invoices) again."""
        self.sudo().loyalty_synced = False
        self.account_move.sudo().loyalty_synced = False

    def _loyalty_late_pending(self):
        return self.filtered(
            lambda o: o.loyalty_partner_late_user_id and not o.loyalty_partner_confirmed_user_id
        )
