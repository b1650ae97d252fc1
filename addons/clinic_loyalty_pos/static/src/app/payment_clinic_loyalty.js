import {_t} from "@web/core/l10n/translation";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {PaymentInterface} from "@point_of_sale/app/payment/payment_interface";
import {register_payment_method} from "@point_of_sale/app/store/pos_store";
import {makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {LoyaltyOtpPopup} from "@clinic_loyalty_pos/app/loyalty_otp_popup/loyalty_otp_popup";

/**
 * "Loyalty points" payment method: the line is accepted only after the
 * client has read back the one-time code sent by SMS. The browser only
 * carries the challenge reference (transaction_id): the server re-checks the
 * client, points, value and order when the order is recorded.
 */
export class PaymentClinicLoyalty extends PaymentInterface {
  async send_payment_request(uuid) {
    await super.send_payment_request(...arguments);
    const order = this.pos.get_order();
    const line = order.payment_ids.find((l) => l.uuid === uuid);
    const partner = order.get_partner();
    if (!partner) {
      this._removeLine(order, line);
      this.env.services.dialog.add(AlertDialog, {
        title: _t("Choose the client"),
        body: _t("Loyalty points are spent for a client: set the client on the order first."),
      });
      return false;
    }
    if (line.amount < 0) {
      return this._refundLine(order, line);
    }
    const result = await makeAwaitable(this.env.services.dialog, LoyaltyOtpPopup, {
      partner,
      amountDue: line.amount,
      orderUid: order.uuid,
    });
    if (result?.verified) {
      line.set_amount(result.value);
      line.transaction_id = `OTP-${result.challengeId}`;
      line.clinic_loyalty_points = result.points; // shown on the receipt only
      line.card_type = _t("Loyalty points");
      return true;
    }
    this._removeLine(order, line);
    return false;
  }

  /**
   * Refund: pay back in points at most what the refunded orders were paid
   * in points; the server gives the points back, once, and re-checks it.
   */
  _refundLine(order, line) {
    const refunded = new Set(order.lines.map((l) => l.refunded_orderline_id?.order_id).filter(Boolean));
    const paidInPoints = [...refunded]
      .flatMap((o) => o.payment_ids || [])
      .filter((p) => p.payment_method_id?.use_payment_terminal === "clinic_loyalty")
      .reduce((total, p) => total + p.amount, 0);
    if (paidInPoints <= 0) {
      this._removeLine(order, line);
      this.env.services.dialog.add(AlertDialog, {
        title: _t("Not paid with points"),
        body: _t(
          "Only what was paid with loyalty points can be refunded in points: choose another payment method."
        ),
      });
      return false;
    }
    line.set_amount(-Math.min(-line.amount, paidInPoints));
    line.transaction_id = "OTP-REFUND";
    return true;
  }

  async send_payment_cancel(order, uuid) {
    await super.send_payment_cancel(...arguments);
    return true;
  }

  _removeLine(order, line) {
    // After the payment screen has settled the line's status.
    setTimeout(() => {
      if (order.payment_ids.includes(line)) {
        order.remove_paymentline(line);
      }
    }, 0);
  }
}

register_payment_method("clinic_loyalty", PaymentClinicLoyalty);
