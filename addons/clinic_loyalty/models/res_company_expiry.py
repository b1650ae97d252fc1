from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

MAX_EXPIRY_MONTHS = 120
MAX_NOTICE_DAYS = 365
EXPIRY_FIELDS = ("loyalty_expiry_months", "loyalty_expiry_notice_days")


# pylint: disable=consider-merging-classes-inherited
# The expiry settings of a clinic, in their own file (one idea per file).
class ResCompany(models.Model):
    _inherit = "res.company"

    loyalty_expiry_months = fields.Integer(
        string="Points expire after (months)",
        default=0,
        help="Points added from now on expire this many months after the day they were earned. 0: never. "
        "A change applies to new points only and is logged.",
    )
    loyalty_expiry_notice_days = fields.Integer(
        string="Warn clients (days before)",
        default=30,
        help="Clients receive one email this many days before points expire. 0: no warning.",
    )

    @api.constrains(*EXPIRY_FIELDS)
    def _check_loyalty_expiry(self):
        for company in self:
            if not 0 <= company.loyalty_expiry_months <= MAX_EXPIRY_MONTHS:
                raise ValidationError(
                    _(
                        "Points expire after 0 (never) to %(max)s months: %(value)s is not possible "
                        "for %(clinic)s.",
                        max=MAX_EXPIRY_MONTHS,
                        value=company.loyalty_expiry_months,
                        clinic=company.name,
                    )
                )
            if not 0 <= company.loyalty_expiry_notice_days <= MAX_NOTICE_DAYS:
                raise ValidationError(
                    _(
                        "Warn clients 0 (no warning) to %(max)s days before their points expire: "
                        "%(value)s is not possible for %(clinic)s.",
                        max=MAX_NOTICE_DAYS,
                        value=company.loyalty_expiry_notice_days,
                        clinic=company.name,
                    )
                )

    def write(self, vals):
        tracked = [f for f in EXPIRY_FIELDS if f in vals]
        before = {company.id: {f: company[f] for f in tracked} for company in self} if tracked else {}
        res = super().write(vals)
        labels = {f: self._fields[f].get_description(self.env)["string"] for f in tracked}
        for company in self if tracked else ():
            changes = [
                f"{labels[f]}: {before[company.id][f]} → {company[f]}"
                for f in tracked
                if before[company.id][f] != company[f]
            ]
            if changes:
                company.partner_id.sudo().message_post(
                    body=_(
                        "Loyalty points expiry changed by %(user)s: %(changes)s (applies to points added "
                        "from now on).",
                        user=self.env.user.name,
                        changes="; ".join(changes),
                    )
                )
        return res
