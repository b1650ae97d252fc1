from odoo import _, models
from odoo.exceptions import AccessError, UserError


class MergePartnerAutomatic(models.TransientModel):
    """The contact merge wizard and loyalty accounts.

    Anyone with Contact Creation may merge contacts; merging moves every
    record of the merged contacts to the surviving one with raw SQL. For a
    client's points that is an account take-over, so a merge that involves a
    loyalty account is refused unless a Loyalty Manager does it. Then the
    merged contact's points move to the surviving contact's account by
    correcting entries, its account is archived with its ledger untouched, the
    contact is archived rather than deleted, and the change is logged and
    held like any change of owner.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _loyalty_kept_tables(self):
        """Tables whose rows keep the merged contact (never rewritten)."""
        return {"clinic_loyalty_account", "clinic_loyalty_entry", "clinic_loyalty_reward_request"}

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if not (self.env.su or self.env.user.has_group("clinic_loyalty.group_loyalty_manager")):
            # Merging moves accounts, invoices and PMS links by raw SQL: for a
            # client who holds or will earn points, that is a take-over.
            if partners._loyalty_has_stake():
                raise AccessError(
                    _("These contacts hold or earn loyalty points: only a Loyalty Manager can merge them.")
                )
        return super(MergePartnerAutomatic, self.with_context(clinic_loyalty_merge=True))._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )

    def _get_fk_on(self, table):
        relations = super()._get_fk_on(table)
        if table == "res_partner":
            kept = self._loyalty_kept_tables()
            relations = [(t, column) for t, column in relations if t not in kept]
        return relations

    def _update_foreign_keys(self, src_partners, dst_partner):
        self._merge_loyalty_accounts(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _merge_loyalty_accounts(self, src_partners, dst_partner):
        Account = self.env["clinic.loyalty.account"].sudo().with_context(active_test=False)
        sources = Account.search([("partner_id", "in", src_partners.ids)])
        if not sources:
            return
        pending = (
            self.env["clinic.loyalty.reward.request"]
            .sudo()
            .search_count([("account_id", "in", sources.ids), ("state", "=", "pending")])
        )
        if pending:
            raise UserError(
                _("Fulfil or refuse the merged contact's pending reward requests before merging.")
            )
        owner = dst_partner.commercial_partner_id
        targets = Account._get_or_create((owner.id, src.company_id.id) for src in sources)
        for src in sources:
            dst = Account.browse(targets[(owner.id, src.company_id.id)])
            balances = (src | dst)._lock()
            src.invalidate_recordset(["balance", "spend_carry"])
            dst.invalidate_recordset(["balance", "spend_carry"])
            points, key = balances[src.id], f"merge:{src.id}:{dst.id}"
            Account._post_entries(
                [
                    {
                        "account_id": src.id,
                        "points": -points,
                        "kind": "adjustment",
                        "key": f"{key}:out",
                        "reason": _("Merged into %(client)s", client=owner.display_name),
                    },
                    {
                        "account_id": dst.id,
                        "points": points,
                        "kind": "adjustment",
                        "key": f"{key}:in",
                        "reason": _("Merged from %(client)s", client=src.partner_id.display_name),
                    },
                ],
                carry={src.id: 0.0, dst.id: dst.spend_carry + src.spend_carry},
            )
            src.write({"active": False})
            message = _(
                "Contact merge by %(user)s: %(points)s points moved from %(src)s (account %(src_id)s, "
                "archived) to %(dst)s.",
                user=self.env.user.name,
                points=points,
                src=src.partner_id.display_name,
                src_id=src.id,
                dst=owner.display_name,
            )
            src.message_post(body=message)
            dst._loyalty_owner_changed(message)
