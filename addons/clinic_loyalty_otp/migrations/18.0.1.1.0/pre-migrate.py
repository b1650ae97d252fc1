"""18.0.1.1.0: the point of sale moved out of this addon into the bridge addon
``clinic_loyalty_pos``. Its records keep their ids and data: their xml ids,
fields, selections and constraints change owner, and the new addon is marked
as installed-and-updating in this same run, so its data files load in update
mode (nothing is created twice, noupdate records are left as they are) and its
models find their columns full."""

import logging

_logger = logging.getLogger(__name__)

NEW = "clinic_loyalty_pos"
# Models only the point of sale side extended here.
POS_MODELS = (
    "account.chart.template",
    "account.move",
    "clinic.loyalty.entry",
    "pos.config",
    "pos.order",
    "pos.order.line",
    "pos.payment",
    "pos.payment.method",
    "pos.session",
    "product.product",
)
# xml ids (this addon's) that now belong to the point of sale addon
MOVED = (
    "access_loyalty_reward_pos_user",
    "pos_order_view_form",
    "res_config_settings_view_form_pos",
    "field_clinic_loyalty_otp_challenge__pos_order_id",
    "field_res_partner__loyalty_pos_balance",
    "field_res_users__loyalty_pos_balance",
    "field_res_config_settings__pos_loyalty_training",
    "selection__clinic_loyalty_signal__kind__pos_refunds",
    "selection__clinic_loyalty_signal__kind__cashier_cluster",
    "selection__clinic_loyalty_signal__kind__late_client",
    "model_inherit__clinic_loyalty_reward__pos_load_mixin",
    "model_inherit__pos_order__clinic_loyalty_spend_source",
)
MOVED_LIKE = (
    "field_pos\\_%",  # fields on pos.order, pos.config, ...
    "pos\\_%\\_demo",  # the Front desk shop, its session, orders and payments
)
MOVED_CONSTRAINTS = ("clinic_loyalty_otp_challenge_pos_order_id_fkey",)


def migrate(cr, version):
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = %s", [NEW])
    new = cr.fetchone()
    cr.execute("SELECT demo FROM ir_module_module WHERE name = 'clinic_loyalty_otp'")
    (demo,) = cr.fetchone()
    cr.execute("SELECT state FROM ir_module_module WHERE name = 'point_of_sale'")
    pos = cr.fetchone()
    if not new or not pos or pos[0] != "installed":
        _logger.warning("clinic_loyalty_pos or point_of_sale missing: the POS records stay as they are")
        return
    new_id, state = new
    model_names = [f"model_{m.replace('.', '_')}" for m in POS_MODELS]
    cr.execute(
        """UPDATE ir_model_data SET module = %s
            WHERE module = 'clinic_loyalty_otp'
              AND (name = ANY(%s) OR name LIKE ANY(%s) OR name = ANY(%s))""",
        [NEW, list(MOVED), list(MOVED_LIKE), model_names],
    )
    _logger.info("%s xml ids moved to %s", cr.rowcount, NEW)
    cr.execute(
        """UPDATE ir_model_constraint c SET module = %s
             FROM ir_model m
            WHERE m.id = c.model
              AND c.module = (SELECT id FROM ir_module_module WHERE name = 'clinic_loyalty_otp')
              AND (m.model = ANY(%s) OR c.name = ANY(%s))""",
        [new_id, list(POS_MODELS), list(MOVED_CONSTRAINTS)],
    )
    if state == "uninstalled":
        # Loaded later in this run as an update of an installed addon.
        cr.execute(
            "UPDATE ir_module_module SET state = 'to upgrade', demo = %s WHERE id = %s", [demo, new_id]
        )
