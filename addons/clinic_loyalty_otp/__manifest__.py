{
    "name": "Clinic Loyalty OTP",
    "summary": "Points are spent only after the client reads back a one-time code sent by SMS",
    "version": "18.0.1.1.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Clinic Loyalty contributors",
    "website": "https://github.com/clinic-loyalty/clinic-loyalty",
    "depends": ["clinic_loyalty", "sms", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/clinic_loyalty_otp_security.xml",
        "security/ir.model.access.csv",
        "views/loyalty_otp_challenge_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/loyalty_redeem_wizard_views.xml",
        "wizards/account_payment_register_points_views.xml",
        "wizards/loyalty_otp_phone_wizard_views.xml",
        "views/loyalty_account_views.xml",
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "clinic_loyalty_otp/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
