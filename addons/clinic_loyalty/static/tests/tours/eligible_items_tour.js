/** @odoo-module **/

import {registry} from "@web/core/registry";

// Data: see tests/test_eligible_items.py (TestEligibleItemsScreen): the
// clinic sells "Screen vaccine" (SCR-V, not eligible yet) and "Screen
// cremation" (SCR-C, sensitive).
registry.category("web_tour.tours").add("eligible_items_tour", {
  steps: () => [
    {
      content: "Items are listed by their billing code",
      trigger: ".o_list_view th[data-name=default_code]:contains(Billing code)",
    },
    {
      trigger: ".o_data_row:contains(Screen vaccine) td[name=default_code]:contains(SCR-V)",
    },
    {
      content: "Sensitive items are flagged",
      trigger: ".o_data_row:contains(Screen cremation) td[name=loyalty_sensitive] input:checked",
    },
    {
      content: "The clinic's billing codes are shown by default",
      trigger: ".o_searchview_facet:contains(Clinic's billing codes)",
    },
    {
      content: "'Enable all' first says how many items it switches on",
      trigger: "button[name=action_loyalty_enable_all_confirm]",
      run: "click",
    },
    {
      trigger: ".modal .o_loyalty_enable_summary:contains(items will earn points):contains(sensitive items)",
    },
    {
      trigger:
        ".modal:not(:has(.o_data_row:contains(Screen cremation))) .o_data_row:contains(Screen vaccine)",
    },
    {
      content: "Cancel: nothing changes",
      trigger: ".modal .modal-footer button:contains(Cancel)",
      run: "click",
    },
    {
      trigger: "body:not(:has(.modal))",
    },
    {
      content: "A sensitive item is switched on one by one, after a question",
      trigger: ".o_data_row:contains(Screen cremation) button[name=action_loyalty_enable_sensitive]",
      run: "click",
    },
    {
      trigger: ".modal .modal-body:contains(flagged sensitive)",
    },
    {
      content: "Cancel: it stays off",
      trigger: ".modal .modal-footer button:contains(Cancel)",
      run: "click",
    },
    {
      trigger: "body:not(:has(.modal))",
    },
    {
      content: "Edit the item's row",
      trigger: ".o_data_row:contains(Screen vaccine) td[name=list_price]",
      run: "click",
    },
    {
      content: "One click on its toggle makes it earn points",
      trigger: ".o_data_row:contains(Screen vaccine) td[name=loyalty_eligible] input:enabled:not(:checked)",
      run: "click",
    },
    {
      trigger: ".o_data_row:contains(Screen vaccine) td[name=loyalty_eligible] input:checked",
    },
    {
      content: "Leave the row: it is saved",
      trigger: ".o_control_panel .o_breadcrumb",
      run: "click",
    },
    {
      trigger: ".o_data_row:not(.o_selected_row):contains(Screen vaccine)",
    },
    {
      content: "The filters of the screen",
      trigger: ".o_searchview_dropdown_toggler",
      run: "click",
    },
    {
      trigger: ".o_filter_menu .o-dropdown-item:contains(Does not earn points)",
    },
    {
      trigger: ".o_filter_menu .o-dropdown-item:contains(Earns points)",
      run: "click",
    },
    {
      content: "Only the items that earn points are left",
      trigger:
        ".o_list_view:not(:has(.o_data_row:contains(Screen cremation))) .o_data_row:contains(Screen vaccine)",
    },
    {
      content: "'Disable all' sits beside it",
      trigger: "button[name=action_loyalty_disable_all]",
    },
  ],
});
