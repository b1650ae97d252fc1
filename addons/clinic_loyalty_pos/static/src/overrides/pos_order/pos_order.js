import {PosOrder} from "@point_of_sale/app/models/pos_order";
import {patch} from "@web/core/utils/patch";

const EARNING = ["test", "on"];

/**
 * What the receipt says about points: those spent with "Loyalty points"
 * payments, and those the order should earn when the nightly accrual runs
 * (an estimate for the client; the server computes the real points).
 */
patch(PosOrder.prototype, {
  export_for_printing() {
    const result = super.export_for_printing(...arguments);
    result.clinicLoyalty = this.getClinicLoyaltyReceipt();
    return result;
  },

  getClinicLoyaltyReceipt() {
    const company = this.company;
    if (!this.get_partner() || !EARNING.includes(company.loyalty_status)) {
      return false;
    }
    const loyaltyPayments = this.payment_ids.filter(
      (p) => p.payment_method_id?.use_payment_terminal === "clinic_loyalty" && p.amount > 0
    );
    const spent = loyaltyPayments.reduce((total, p) => total + (p.clinic_loyalty_points || 0), 0);
    const paidInPoints = loyaltyPayments.reduce((total, p) => total + p.amount, 0);
    const total = this.get_total_with_tax();
    const share = total > 0 ? Math.max(1 - paidInPoints / total, 0) : 0;
    const eligible =
      this.lines
        .filter((l) => l.product_id?.loyalty_eligible && !l.refunded_orderline_id)
        .reduce((sum, l) => sum + l.get_price_without_tax(), 0) * share;
    const perPoint = company.loyalty_spend_per_point || 0;
    let earned = 0;
    if (company.loyalty_earning_mode === "per_transaction" && perPoint > 0) {
      earned =
        eligible >= (company.loyalty_min_transaction_amount || 0) ? Math.floor(eligible / perPoint) : 0;
    }
    const balance = this.get_partner().loyalty_pos_balance;
    return {
      spent,
      earned,
      // the client's points once this sale's are spent (earned ones come tonight)
      balanceAfter: typeof balance === "number" ? Math.max(balance - spent, 0) : false,
      totalSpend: company.loyalty_earning_mode === "total_spend",
      eligible,
    };
  },
});
