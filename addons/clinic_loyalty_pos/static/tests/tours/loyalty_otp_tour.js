import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import {registry} from "@web/core/registry";

const POPUP = ".o_loyalty_otp_popup";

function startOrder(withClient = true) {
  return [
    Chrome.startPoS(),
    Dialog.confirm("Open Register"),
    ProductScreen.clickDisplayedProduct("Grooming"),
    ...(withClient ? [ProductScreen.clickPartnerButton(), ProductScreen.clickCustomer("Jane Petowner")] : []),
    ProductScreen.clickPayButton(),
    PaymentScreen.clickPaymentMethod("Loyalty points"),
  ].flat();
}

function sendCode() {
  return [
    {
      content: "the popup shows the balance and the affordable reward, capped to the amount due",
      trigger: `${POPUP} .o_loyalty_otp_balance:contains("100 points")`,
    },
    {trigger: `${POPUP} .o_loyalty_otp_reward:contains("Free nail clipping")`},
    {
      content: "a reward costing more than the balance is not offered",
      trigger: `${POPUP}:not(:has(.o_loyalty_otp_reward:contains("Grand spa day")))`,
    },
    {trigger: `${POPUP} .o_loyalty_otp_send`, run: "click"},
    {trigger: `${POPUP} .o_loyalty_otp_message:contains("Code sent")`},
  ];
}

function enterCode(code) {
  return [
    {trigger: `${POPUP} .o_loyalty_otp_code`, run: `edit ${code}`},
    {trigger: `${POPUP} .o_loyalty_otp_verify:enabled`, run: "click"},
  ];
}

function payRestCashAndValidate() {
  return [
    PaymentScreen.clickPaymentMethod("Cash"),
    PaymentScreen.clickValidate(),
    ReceiptScreen.isShown(),
  ].flat();
}

registry.category("web_tour.tours").add("clinic_loyalty_otp_happy_path", {
  steps: () =>
    [
      startOrder(),
      sendCode(),
      enterCode("493817"),
      {trigger: `body:not(:has(${POPUP}))`},
      PaymentScreen.selectedPaymentlineHas("Loyalty points", "12.00"),
      PaymentScreen.remainingIs("38.00"),
      payRestCashAndValidate(),
    ].flat(),
});

registry.category("web_tour.tours").add("clinic_loyalty_otp_wrong_then_right", {
  steps: () =>
    [
      startOrder(),
      sendCode(),
      enterCode("111111"),
      {trigger: `${POPUP} .o_loyalty_otp_message.alert-danger:contains("Wrong code")`},
      enterCode("493817"),
      {trigger: `body:not(:has(${POPUP}))`},
      PaymentScreen.selectedPaymentlineHas("Loyalty points", "12.00"),
      payRestCashAndValidate(),
    ].flat(),
});

registry.category("web_tour.tours").add("clinic_loyalty_otp_cannot_receive", {
  steps: () =>
    [
      startOrder(),
      sendCode(),
      {trigger: `${POPUP} .o_loyalty_otp_cannot_receive`, run: "click"},
      {trigger: `body:not(:has(${POPUP}))`},
      {
        content: "the loyalty line is removed",
        trigger: `.payment-screen:not(:has(.paymentline:contains("Loyalty points")))`,
      },
      PaymentScreen.emptyPaymentlines("50.00"),
      payRestCashAndValidate(),
    ].flat(),
});

registry.category("web_tour.tours").add("clinic_loyalty_otp_no_client", {
  steps: () =>
    [
      startOrder(false),
      Dialog.is({title: "Choose the client"}),
      Dialog.confirm(),
      PaymentScreen.emptyPaymentlines("50.00"),
      payRestCashAndValidate(),
    ].flat(),
});

registry.category("web_tour.tours").add("clinic_loyalty_otp_refund", {
  steps: () =>
    [
      startOrder(),
      sendCode(),
      enterCode("493817"),
      PaymentScreen.selectedPaymentlineHas("Loyalty points", "12.00"),
      payRestCashAndValidate(),
      ReceiptScreen.clickNextOrder(),
      ...ProductScreen.clickRefund(),
      TicketScreen.selectOrder("-0001"),
      ProductScreen.clickNumpad("1"),
      TicketScreen.confirmRefund(),
      ProductScreen.clickPayButton(),
      PaymentScreen.clickPaymentMethod("Loyalty points"),
      {
        content: "no code is asked to give points back",
        trigger: `body:not(:has(${POPUP}))`,
      },
      PaymentScreen.selectedPaymentlineHas("Loyalty points", "-12.00"),
      payRestCashAndValidate(),
    ].flat(),
});

registry.category("web_tour.tours").add("clinic_loyalty_otp_test_mode", {
  steps: () =>
    [
      startOrder(),
      {
        content: "the cashier is told nothing is taken from real balances",
        trigger: `${POPUP} .o_loyalty_otp_test_mode`,
      },
      sendCode(),
      enterCode("493817"),
      PaymentScreen.selectedPaymentlineHas("Loyalty points", "12.00"),
      payRestCashAndValidate(),
    ].flat(),
});
