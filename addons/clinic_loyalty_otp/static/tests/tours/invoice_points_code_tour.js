/** @odoo-module **/

import {registry} from "@web/core/registry";

// Data: see tests/test_code_tours.py (TestInvoicePointsCodeTour): a posted
// 100.00 invoice of a client with 1000 points at 0.10 each; the clinic
// requires codes. The code is read on the client's phone (the fake SMS
// gateway whose address the test puts in sessionStorage before starting).
const PHONE_KEY = "clinic_loyalty_tour_phone";

registry.category("web_tour.tours").add("invoice_points_code_tour", {
  steps: () => [
    {
      content: "Pay the invoice",
      trigger: ".o_form_view button[name=action_register_payment]:visible",
      run: "click",
    },
    {
      content: "Choose the loyalty points journal",
      trigger: ".modal div[name=journal_id] input",
      run: "edit Loyalty points payments",
    },
    {
      trigger: ".o-autocomplete--dropdown-item:contains(Loyalty points payments)",
      run: "click",
    },
    {
      content: "What the client's points can pay is proposed",
      trigger: ".modal div[name=loyalty_points_hint]:contains(1000 points pay at most)",
    },
    {
      trigger: ".modal div[name=amount] input:value(100.00)",
    },
    {
      content: "Send the code",
      trigger: ".modal button[name=action_loyalty_otp_send]:contains(Send code)",
      run: "click",
    },
    {
      content: "The code was sent; resend waits",
      trigger: ".modal div[name=otp_status]:contains(Code sent to)",
    },
    {
      trigger: ".modal .o_loyalty_otp_resend_wait:contains(Resend code in)",
    },
    {
      content: "Type the code the phone received",
      trigger: ".modal div[name=otp_code] input",
      async run(actions) {
        const phone = sessionStorage.getItem(PHONE_KEY);
        const page = await (await fetch(`${phone}/`)).text();
        const match = /is (\d{6})\./.exec(page);
        if (!match) {
          throw new Error("No code reached the client's phone");
        }
        await actions.edit(match[1]);
      },
    },
    {
      content: "Create the payment",
      trigger: ".modal button[name=action_create_payments]:visible",
      run: "click",
    },
    {
      content: "The invoice says it was paid with points",
      trigger: ".o_payment_label:contains(Paid with loyalty points on)",
    },
  ],
});
