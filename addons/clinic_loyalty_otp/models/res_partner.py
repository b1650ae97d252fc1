from odoo import _, fields, models

# The country reads a national number: changing it may change the number.
CODE_NUMBER_FIELDS = {"mobile", "phone", "country_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        """Editing a client's mobile never redirects their codes: whoever may
        edit contacts (a cashier) could otherwise send them to their own
        phone. Accounts still following the client's number keep the number
        codes went to; a client who had no usable number gets the new one
        held for 24 hours, as for a manager's change."""
        if not CODE_NUMBER_FIELDS & set(vals):
            return super().write(vals)
        accounts = (
            self.env["clinic.loyalty.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", self.ids), ("otp_phone", "=", False)])
        )
        before = {account: account._otp_phone_or_none() for account in accounts}
        result = super().write(vals)
        for account, old in before.items():
            new = account._otp_phone_or_none()
            if new == old:
                continue
            if old:
                account.write({"otp_phone": old})
                body = _(
                    "The client's number changed (by %(user)s): codes still go to %(old)s. A Loyalty "
                    "Manager sends them to %(new)s with “Change mobile for codes”.",
                    user=self.env.user.name,
                    old=old,
                    new=new or _("none"),
                )
            else:
                hold_until = account._otp_set_phone_held(new)
                body = _(
                    "First mobile for codes set to %(new)s by %(user)s: redemptions are held until "
                    "%(until)s UTC.",
                    new=new,
                    user=self.env.user.name,
                    until=fields.Datetime.to_string(hold_until),
                )
            account.message_post(body=body)
        return result
