{
    "name": "Clinic Loyalty",
    "summary": "Points programme for veterinary and medical clinics: earn on paid invoices, "
    "redeem rewards, append-only ledger",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Clinic Loyalty contributors",
    "website": "https://github.com/clinic-loyalty/clinic-loyalty",
    "depends": ["account", "portal", "product", "mail"],
    "data": [
        "security/clinic_loyalty_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "wizards/loyalty_adjustment_wizard_views.xml",
        "views/loyalty_entry_views.xml",
        "views/loyalty_account_views.xml",
        "views/loyalty_reward_views.xml",
        "views/product_template_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/clinic_loyalty_menus.xml",
        "data/mail_templates.xml",
        "wizards/loyalty_request_refuse_wizard_views.xml",
        "wizards/loyalty_redeem_wizard_views.xml",
        "views/loyalty_reward_request_views.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/clinic_loyalty_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "clinic_loyalty/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": True,
}
