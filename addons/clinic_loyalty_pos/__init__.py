from . import models
from . import tools


def post_init_hook(env):
    """Every clinic with a chart of accounts gets its "Loyalty points"
    payment method, on each of its points of sale."""
    env["res.company"].search([])._loyalty_pos_setup()
