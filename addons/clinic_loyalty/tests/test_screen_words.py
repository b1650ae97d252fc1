from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestScreenWords(TransactionCase):
    """Screens say what a clinic says, not the model's field names."""

    def test_labels_are_clinic_words(self):
        labels = {
            ("clinic.loyalty.account", "spend_carry"): "Spend not yet in points",
            ("clinic.loyalty.entry", "partner_id"): "Client",
            ("clinic.loyalty.reward.request", "entry_key"): "Redemption reference",
        }
        if "clinic.loyalty.otp.challenge" in self.env:
            labels[("clinic.loyalty.otp.challenge", "sms_count")] = "Codes sent"
            labels[("clinic.loyalty.otp.challenge", "pos_order_id")] = "POS order"
        for (model, name), label in labels.items():
            self.assertEqual(self.env[model]._fields[name].string, label, f"{model}.{name}")

    def test_balance_check_message_counts_in_words(self):
        partners = self.env["res.partner"].create([{"name": "Bella's owner"}, {"name": "Rex's owner"}])
        accounts = self.env["clinic.loyalty.account"].create([{"partner_id": p.id} for p in partners])
        message = accounts[0].action_check_balance()["params"]["message"]
        self.assertEqual(message, "Account checked: its points match the ledger.")
        message = accounts.action_check_balance()["params"]["message"]
        self.assertEqual(message, "2 accounts checked: their points match the ledger.")
        self.assertNotIn("(s)", message)

    def test_settings_page_title_and_no_new(self):
        page = self.env["clinic.loyalty.settings"].create({})
        self.assertEqual(page.display_name, f"Loyalty settings · {self.env.company.name}")
        arch = self.env["clinic.loyalty.settings"].get_view(
            self.env.ref("clinic_loyalty.loyalty_settings_view_form").id, "form"
        )["arch"]
        self.assertIn('create="0"', arch)

    def test_reward_list_opens_the_form_with_its_description(self):
        Reward = self.env["clinic.loyalty.reward"]
        list_arch = Reward.get_view(self.env.ref("clinic_loyalty.loyalty_reward_view_list").id, "list")[
            "arch"
        ]
        self.assertNotIn("editable=", list_arch, "the list opens the form, where the description is")
        form_arch = Reward.get_view(self.env.ref("clinic_loyalty.loyalty_reward_view_form").id, "form")[
            "arch"
        ]
        self.assertIn('name="description"', form_arch)
        self.assertTrue(Reward._fields["description"].help)
