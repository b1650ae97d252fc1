"""What a paid order's guards and its late client say (refusals and chatter
notes), in the language of the environment given."""


def late_client_confirmed(env, order):
    return env._(
        "Client %(client)s, set after payment by %(user)s, confirmed for loyalty points by %(manager)s.",
        client=order.partner_id.display_name,
        user=order.loyalty_partner_late_user_id.name,
        manager=env.user.name,
    )


def frozen(env, orders, fields):
    return env._(
        "%(orders)s: a paid order keeps what it was paid for (%(fields)s). Refund it to correct it.",
        orders=", ".join(orders.mapped("name")),
        fields=", ".join(fields),
    )


def client_kept(env, orders):
    return env._(
        "%(orders)s: the client of a paid order cannot be changed or removed.",
        orders=", ".join(orders.mapped("name")),
    )


def lines_do_not_add_up(env, order, lines):
    return env._(
        "Order %(order)s: its lines add up to %(lines)s, not to its total of %(total)s. "
        "Nothing was recorded.",
        order=order.name,
        lines=order.currency_id.round(lines),
        total=order.amount_total,
    )
