/** @odoo-module **/

import {registry} from "@web/core/registry";

// Data: tests/test_setup_tour.py. An empty clinic (programme Off, no reward, no
// eligible item) with one billing code, "Setup consultation" (SETUP-C).
function openMenu(section, item) {
  return [
    {trigger: `.o_menu_sections .dropdown-toggle:contains(${section})`, run: "click"},
    {trigger: `.dropdown-item:contains(${item})`, run: "click"},
  ];
}

registry.category("web_tour.tours").add("loyalty_setup_tour", {
  steps: () => [
    // 1. The programme, in Otto's order: how clients earn, then Test.
    {
      content: "The settings page is the clinic's, with help on the earning modes",
      trigger: ".o_form_view h1:contains(Setup Vet Clinic)",
    },
    {trigger: ".o_field_widget[name=loyalty_earning_mode] input[data-value=per_transaction]", run: "click"},
    {trigger: ".o_field_widget[name=loyalty_spend_per_point] input", run: "edit 10"},
    {trigger: ".o_field_widget[name=loyalty_status] input[data-value=test]", run: "click"},
    {trigger: "button[name=action_save]", run: "click"},
    {
      trigger:
        ".o_form_view:not(.o_form_dirty) .o_field_widget[name=loyalty_status] input[data-value=test]:checked",
    },
    // 2. What earns: the clinic's billing code, switched on.
    ...openMenu("Configuration", "Eligible items"),
    {trigger: ".o_data_row:contains(Setup consultation) td[name=loyalty_eligible] input", run: "click"},
    {trigger: ".o_data_row:contains(Setup consultation) td[name=loyalty_eligible] input:checked"},
    // 3. A reward, with its description, in its own form.
    ...openMenu("Configuration", "Rewards"),
    {trigger: ".o_list_button_add", run: "click"},
    {trigger: ".o_field_widget[name=name] input", run: "edit Free check-up"},
    {trigger: ".o_field_widget[name=points_cost] input", run: "edit 30"},
    {trigger: ".o_field_widget[name=value] input", run: "edit 25"},
    {trigger: ".o_form_button_save", run: "click"},
    {trigger: ".o_form_view:not(.o_form_dirty) .o_field_widget[name=name] input"},
    // 4. Switch On last.
    ...openMenu("Configuration", "Settings"),
    {trigger: ".o_field_widget[name=loyalty_status] input[data-value=on]", run: "click"},
    {trigger: "button[name=action_save]", run: "click"},
    {
      content: "the programme is On",
      trigger:
        ".o_form_view:not(.o_form_dirty) .o_field_widget[name=loyalty_status] input[data-value=on]:checked",
    },
    // End on a list: a tour never ends on a form in edition.
    ...openMenu("Configuration", "Rewards"),
    {trigger: ".o_list_view .o_data_row:contains(Free check-up)"},
  ],
});
