/** @odoo-module **/

import {registry} from "@web/core/registry";

// Data: see tests/test_code_tours.py (TestPortalCodeTour): the clinic requires
// codes, the client has 100 points and "Free nail clipping" costs 40. The
// code is read on the client's phone (the fake SMS gateway whose address the
// test passes as ?phone=), never from the database.
const PHONE_KEY = "clinic_loyalty_tour_phone";

async function typeCodeFromPhone(actions) {
  const phone = sessionStorage.getItem(PHONE_KEY);
  const page = await (await fetch(`${phone}/`)).text();
  const match = /is (\d{6})\./.exec(page);
  if (!match) {
    throw new Error("No code reached the client's phone");
  }
  await actions.edit(match[1]);
}

registry.category("web_tour.tours").add("portal_code_tour", {
  steps: () => [
    {
      content: "Remember where the client's phone is",
      trigger: ".o_loyalty_portal",
      run() {
        const phone = new URLSearchParams(window.location.search).get("phone");
        sessionStorage.setItem(PHONE_KEY, phone);
      },
    },
    {
      content: "Request the reward",
      trigger: ".o_loyalty_reward:contains(Free nail clipping) button[name=request]",
      run: "click",
      expectUnloadPage: true,
    },
    {
      content: "The page says the code was sent",
      trigger: ".o_loyalty_code:contains(We sent a 6-digit code)",
    },
    {
      content: "Reload the code page",
      trigger: ".o_loyalty_code input[name=otp_code]",
      run() {
        window.location.reload();
      },
      expectUnloadPage: true,
    },
    {
      content: "The reload shows the same page (no Method Not Allowed)",
      trigger: ".o_loyalty_code:contains(We sent a 6-digit code)",
    },
    {
      content: "Type the code the phone received",
      trigger: ".o_loyalty_code input[name=otp_code]",
      run: typeCodeFromPhone,
    },
    {
      content: "Confirm",
      trigger: ".o_loyalty_code button[type=submit]:contains(Confirm)",
      run: "click",
      expectUnloadPage: true,
    },
    {
      content: "The request is pending and the points are held",
      trigger: ".o_loyalty_request:contains(Free nail clipping) .o_loyalty_request_state[data-state=pending]",
    },
    {
      trigger: ".o_loyalty_balance:contains(60)",
    },
  ],
});
