import {PosOrder} from "@point_of_sale/app/models/pos_order";
import {patch} from "@web/core/utils/patch";

const EARNING = ["test", "on"];

/**
 * What the receipt says about points: those spent with "Loyalty points"
 * payments, the client's balance after them, and those the order earns when
 * the nightly accrual runs. The browser counts nothing: the server's estimate
 * (``loyalty_points_estimate``, the accrual's own rules) comes back with the
 * recorded order.
 */
patch(PosOrder.prototype, {
  export_for_printing() {
    const result = super.export_for_printing(...arguments);
    result.clinicLoyalty = this.getClinicLoyaltyReceipt();
    return result;
  },

  getClinicLoyaltyReceipt() {
    const company = this.company;
    const partner = this.get_partner();
    if (!partner || !EARNING.includes(company.loyalty_status)) {
      return false;
    }
    const spent = this.payment_ids
      .filter((p) => p.payment_method_id?.use_payment_terminal === "clinic_loyalty" && p.amount > 0)
      .reduce((total, p) => total + (p.clinic_loyalty_points || 0), 0);
    const balance = partner.loyalty_pos_balance;
    return {
      spent,
      earned: this.loyalty_points_estimate || 0,
      // the client's points once this sale's are spent (earned ones come tonight)
      balanceAfter: typeof balance === "number" ? Math.max(balance - spent, 0) : false,
      totalSpend: company.loyalty_earning_mode === "total_spend" && Boolean(this.loyalty_counts),
    };
  },
});
