import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {registry} from "@web/core/registry";

const POPUP = ".o_loyalty_otp_popup";

/**
 * The code the client's phone (the SMS gateway, ``?phone=<url>`` of this
 * page) last received on ``number``: what the client reads back.
 */
async function codeOnThePhone(number) {
  const phone = new URL(window.location.href).searchParams.get("phone");
  const response = await fetch(`${phone}/messages.json?number=${encodeURIComponent(number)}`);
  const {messages} = await response.json();
  const codes = messages.map((text) => (text.match(/is (\d{6})\./) || [])[1]).filter(Boolean);
  if (!codes.length) {
    throw new Error(`no code reached ${number} on the client's phone`);
  }
  return codes.at(-1);
}

// Data: tests/test_pos_gateway_tour.py. Jane (+32 470 12 34 56) has 100 points.
registry.category("web_tour.tours").add("clinic_loyalty_pos_gateway", {
  steps: () =>
    [
      Chrome.startPoS(),
      Dialog.confirm("Open Register"),
      ProductScreen.clickDisplayedProduct("Grooming"),
      ProductScreen.clickPartnerButton(),
      ProductScreen.clickCustomer("Jane Petowner"),
      ProductScreen.clickPayButton(),
      PaymentScreen.clickPaymentMethod("Loyalty points"),
      {trigger: `${POPUP} .o_loyalty_otp_reward:contains("Free nail clipping")`},
      {trigger: `${POPUP} .o_loyalty_otp_send`, run: "click"},
      {trigger: `${POPUP} .o_loyalty_otp_message:contains("Code sent")`},
      {
        content: "the client reads the code on their phone and the cashier types it",
        trigger: `${POPUP} .o_loyalty_otp_code`,
        async run(helpers) {
          await helpers.edit(await codeOnThePhone("+32470123456"));
        },
      },
      {trigger: `${POPUP} .o_loyalty_otp_verify:enabled`, run: "click"},
      {trigger: `body:not(:has(${POPUP}))`},
      PaymentScreen.clickPaymentMethod("Cash"),
      PaymentScreen.clickValidate(),
      ReceiptScreen.isShown(),
      {trigger: `.pos-receipt .o_clinic_loyalty_spent:contains("Loyalty points spent: 40")`},
    ].flat(),
});
