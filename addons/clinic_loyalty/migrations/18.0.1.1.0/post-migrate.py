"""Each clinic keeps the choice an item had before eligibility was per
clinic: an item of one clinic at that clinic, a shared item at every one."""


def migrate(cr, version):
    for column in ("loyalty_eligible", "loyalty_sensitive"):
        cr.execute(
            """SELECT 1 FROM information_schema.columns
                WHERE table_name = 'product_template' AND column_name = %s""",
            [f"{column}_pre_i14"],
        )
        if not cr.fetchone():
            continue
        cr.execute(
            f"""
            UPDATE product_template t
               SET "{column}" = (SELECT jsonb_object_agg(c.id::text, TRUE) FROM res_company c
                                  WHERE t.company_id IS NULL OR c.id = t.company_id)
             WHERE t."{column}_pre_i14"
            """
        )
        cr.execute(f'ALTER TABLE product_template DROP COLUMN "{column}_pre_i14"')
