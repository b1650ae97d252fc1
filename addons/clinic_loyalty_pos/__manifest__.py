{
    "name": "Clinic Loyalty: point of sale",
    "summary": "POS orders earn loyalty points; clients pay with their points at the counter "
    "after reading back the code sent to their phone",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Clinic Loyalty contributors",
    "website": "https://github.com/clinic-loyalty/clinic-loyalty",
    "depends": ["clinic_loyalty_otp", "point_of_sale"],
    "data": [
        "security/ir.model.access.csv",
        "views/pos_config_views.xml",
        "views/pos_order_views.xml",
        "views/loyalty_otp_challenge_views.xml",
    ],
    "demo": [
        "demo/pos_config_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "clinic_loyalty_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "clinic_loyalty_pos/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "auto_install": True,
    "installable": True,
}
