/** @odoo-module **/

import {registry} from "@web/core/registry";

// Data: see tests/test_portal.py (TestLoyaltyPortalTour): 100 points earned on
// INV/TOUR/0001, an affordable "Tour nail trim" (30 points).
registry.category("web_tour.tours").add("portal_loyalty_tour", {
  url: "/my",
  steps: () => [
    {
      content: "Open the loyalty tile",
      trigger: ".o_portal_index_card a[href='/my/loyalty']",
      run: "click",
      expectUnloadPage: true,
    },
    {
      content: "The balance is shown under the clinic's name",
      trigger: ".o_loyalty_portal .o_loyalty_balance:contains(100)",
    },
    {
      content: "The history names the source document",
      trigger: ".o_loyalty_history .o_loyalty_entry:contains(INV/TOUR/0001):contains(+100)",
    },
    {
      content: "The reward is marked affordable: request it",
      trigger: ".o_loyalty_reward.o_loyalty_affordable:contains(Tour nail trim) button[name=request]",
      run: "click",
      expectUnloadPage: true,
    },
    {
      content: "The request is pending and the points are held",
      trigger: ".o_loyalty_message",
    },
    {
      trigger: ".o_loyalty_balance:contains(70)",
    },
    {
      trigger: ".o_loyalty_request:contains(Tour nail trim) .o_loyalty_request_state[data-state=pending]",
    },
    {
      content: "Cancel the request",
      trigger: ".o_loyalty_request:contains(Tour nail trim) button[name=cancel]",
      run: "click",
      expectUnloadPage: true,
    },
    {
      content: "The request is cancelled and the points are back",
      trigger: ".o_loyalty_request .o_loyalty_request_state[data-state=cancelled]",
    },
    {
      trigger: ".o_loyalty_balance:contains(100)",
    },
  ],
});
