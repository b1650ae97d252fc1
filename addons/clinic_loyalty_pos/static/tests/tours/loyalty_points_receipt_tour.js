import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {registry} from "@web/core/registry";

const POPUP = ".o_loyalty_otp_popup";

// Data: tests/test_pos_points_tour.py. Jane has 100 points; Grooming (50.00)
// earns 1 point per 10.00; she pays 12.00 of it with 40 points.
registry.category("web_tour.tours").add("clinic_loyalty_pos_points_receipt", {
  steps: () =>
    [
      Chrome.startPoS(),
      Dialog.confirm("Open Register"),
      ProductScreen.clickDisplayedProduct("Grooming"),
      ProductScreen.clickPartnerButton(),
      {
        content: "the client list shows the client's balance at this clinic",
        trigger: `.partner-info:contains("Jane Petowner") .o_clinic_loyalty_balance .o_clinic_loyalty_points:contains("100")`,
      },
      ProductScreen.clickCustomer("Jane Petowner"),
      {
        content: "the order screen shows the chosen client's points",
        trigger: `.o_clinic_loyalty_order_balance:contains("Jane Petowner") .o_clinic_loyalty_points:contains("100")`,
      },
      ProductScreen.clickPayButton(),
      PaymentScreen.clickPaymentMethod("Loyalty points"),
      {trigger: `${POPUP} .o_loyalty_otp_reward:contains("Free nail clipping")`},
      {trigger: `${POPUP} .o_loyalty_otp_send`, run: "click"},
      {trigger: `${POPUP} .o_loyalty_otp_message:contains("Code sent")`},
      {trigger: `${POPUP} .o_loyalty_otp_code`, run: "edit 493817"},
      {trigger: `${POPUP} .o_loyalty_otp_verify:enabled`, run: "click"},
      {trigger: `body:not(:has(${POPUP}))`},
      PaymentScreen.clickPaymentMethod("Cash"),
      PaymentScreen.clickValidate(),
      ReceiptScreen.isShown(),
      {
        content: "the receipt shows the points spent",
        trigger: `.pos-receipt .o_clinic_loyalty_spent:contains("Loyalty points spent: 40")`,
      },
      {
        content: "and the points the rest paid in cash earns tonight (38.00: 3 points)",
        trigger: `.pos-receipt .o_clinic_loyalty_earned:contains("earned tonight: 3")`,
      },
      {
        content: "and the client's balance once the 40 points are spent",
        trigger: `.pos-receipt .o_clinic_loyalty_balance_after:contains("after this sale: 60")`,
      },
    ].flat(),
});
