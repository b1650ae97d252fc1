{
    "name": "Clinic Loyalty: PMS import",
    "summary": "Paid invoices exported by Cornerstone, AVImark, ImproMed or any CSV-speaking "
    "practice-management system earn loyalty points overnight",
    "version": "18.0.1.1.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Clinic Loyalty contributors",
    "website": "https://github.com/clinic-loyalty/clinic-loyalty",
    "depends": ["clinic_loyalty"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/clinic_loyalty_pms_import_security.xml",
        "security/ir.model.access.csv",
        "data/pms_preset_data.xml",
        "data/ir_cron.xml",
        "views/pms_preset_views.xml",
        "views/pms_profile_views.xml",
        "views/pms_import_views.xml",
        "views/pms_invoice_views.xml",
        "views/pms_client_ref_views.xml",
        "wizards/pms_upload_wizard_views.xml",
        "views/clinic_loyalty_pms_import_menus.xml",
    ],
    "demo": [
        "demo/pms_import_demo.xml",
    ],
    "installable": True,
}
