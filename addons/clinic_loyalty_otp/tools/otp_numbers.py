"""Which number a new account's codes go to, decided from what the contact
holds (pure: plain values in, plain values out; ``loyalty_account.py`` reads
and writes the database)."""

from odoo.tools import SQL

from odoo.addons.clinic_loyalty.tools.phone import phone_e164


def first_numbers(contacts, hold_until):
    """``contacts``: (account id, number, country code, edited by staff,
    number before the edit, has an email) for accounts without a number.

    Returns (rows, edited, untold, sms_before):
    - rows: (account id, E.164 number, hold or None) to write;
    - edited: account ids whose number staff typed (held and told);
    - untold: (account id, number) typed numbers nobody can be told of,
      not used for codes;
    - sms_before: {account id: the number the contact had before}, to tell.
    """
    rows, edited, untold, sms_before = [], [], [], {}
    for account_id, number, region, was_edited, number_before, has_email in contacts:
        e164 = phone_e164(number, region)
        if not e164:
            continue
        before = phone_e164(number_before, region) if was_edited and number_before else False
        if was_edited and not has_email and (not before or before == e164):
            untold.append((account_id, e164))
            continue
        rows.append((account_id, e164, hold_until if was_edited else None))
        if was_edited:
            edited.append(account_id)
            if before and before != e164:
                sms_before[account_id] = before
    return rows, edited, untold, sms_before


def contacts_sql(account_ids):
    """What :func:`first_numbers` reads, for the accounts ``account_ids``
    that have no number yet (the country of the contact, else the clinic's)."""
    return SQL(
        """SELECT a.id, COALESCE(NULLIF(p.mobile, ''), p.phone), COALESCE(pc.code, cc.code),
                              p.loyalty_number_edited_at IS NOT NULL, p.loyalty_number_before,
                              COALESCE(NULLIF(p.email, ''), NULLIF(p.loyalty_email_before, '')) IS NOT NULL
                         FROM clinic_loyalty_account a
                         JOIN res_partner p ON p.id = a.partner_id
                         JOIN res_company c ON c.id = a.company_id
                         JOIN res_partner cp ON cp.id = c.partner_id
                    LEFT JOIN res_country pc ON pc.id = p.country_id
                    LEFT JOIN res_country cc ON cc.id = cp.country_id
                        WHERE a.id IN %s AND a.otp_phone IS NULL""",
        tuple(account_ids),
    )
