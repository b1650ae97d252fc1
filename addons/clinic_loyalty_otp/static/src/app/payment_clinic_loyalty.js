import {_t} from "@web/core/l10n/translation";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {PaymentInterface} from "@point_of_sale/app/payment/payment_interface";
import {register_payment_method} from "@point_of_sale/app/store/pos_store";
import {makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {LoyaltyOtpPopup} from "@clinic_loyalty_otp/app/loyalty_otp_popup/loyalty_otp_popup";

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
      // Refund: the server gives back the points of the refunded order, once.
      line.transaction_id = "OTP-REFUND";
      return true;
    }
    const result = await makeAwaitable(this.env.services.dialog, LoyaltyOtpPopup, {
      partner,
      amountDue: line.amount,
      orderUid: order.uuid,
    });
    if (result?.verified) {
      line.set_amount(result.value);
      line.transaction_id = `OTP-${result.challengeId}`;
      line.card_type = _t("Loyalty points");
      return true;
    }
    this._removeLine(order, line);
    return false;
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
