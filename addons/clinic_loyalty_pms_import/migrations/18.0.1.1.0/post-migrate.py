"""The AVImark preset groups lines by their I summary record (its data file
is noupdate: a clinic may have edited it, so only this setting changes).
Profiles keep their own choice: a clinic switches its AVImark profile on the
profile form after previewing one export."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE clinic_loyalty_pms_preset p
           SET invoice_grouping = 'summary'
          FROM ir_model_data d
         WHERE d.module = 'clinic_loyalty_pms_import' AND d.name = 'pms_preset_avimark'
           AND d.model = 'clinic.loyalty.pms.preset' AND d.res_id = p.id
        """
    )
