"""Eligibility becomes per clinic: keep the single-company boolean columns
aside; post-migrate.py gives each clinic the choice the item had."""


def migrate(cr, version):
    for column in ("loyalty_eligible", "loyalty_sensitive"):
        cr.execute(
            """SELECT 1 FROM information_schema.columns
                WHERE table_name = 'product_template' AND column_name = %s AND data_type = 'boolean'""",
            [column],
        )
        if cr.fetchone():
            cr.execute(f'ALTER TABLE product_template RENAME COLUMN "{column}" TO "{column}_pre_i14"')
