"""Matching PMS clients to Odoo clients, and moving what a re-linked PMS
client earned: the SQL the set-based matcher runs and the decisions it
takes. Pure Python, no ORM (``clinic.loyalty.pms.client.ref`` runs them)."""

PHONE_SUFFIX = 7  # digits compared in SQL before the normaliser decides

# The clients a PMS client may be matched to (``%s``: the clinic): never the
# contact of a clinic or of an internal user, nor of their companies.
PARTNER_SCOPE = """p.active AND (p.company_id = %s OR p.company_id IS NULL)
                       AND p.id NOT IN (SELECT partner_id FROM res_company)
                       AND p.commercial_partner_id NOT IN (
                           SELECT u.partner_id FROM res_users u WHERE NOT u.share
                           UNION SELECT c.partner_id FROM res_company c)
                       AND p.id NOT IN (SELECT u.partner_id FROM res_users u WHERE NOT u.share)"""

# The clients whose phone or mobile ends with one of the digits sought
# (``%s``: the suffixes, their length, the scope).
PHONE_CANDIDATES = """
                SELECT p.commercial_partner_id, n.number
                  FROM res_partner p
                  CROSS JOIN LATERAL (VALUES (p.phone), (p.mobile)) AS n(number)
                  JOIN unnest(%s::text[]) AS w(suffix)
                    ON w.suffix = right(regexp_replace(n.number, '[^0-9]', '', 'g'), %s)
                 WHERE %s AND n.number IS NOT NULL
            """

# The clients with one of the emails sought (``%s``: the emails, the scope).
EMAIL_CANDIDATES = """
                SELECT p.commercial_partner_id, w.email
                  FROM res_partner p
                  JOIN unnest(%s::text[]) AS w(email) ON w.email = lower(trim(p.email))
                 WHERE %s
            """

# New PMS clients of a batch (``%s``: their rows); known ones are left alone.
REF_INSERT = """
            INSERT INTO clinic_loyalty_pms_client_ref
                (profile_id, company_id, external_id, name, phone, email, create_uid, write_uid,
                 create_date, write_date)
            SELECT v.*, v.uid, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v(profile_id, company_id, external_id, name, phone, email, uid)
            ON CONFLICT (profile_id, external_id) DO NOTHING
            RETURNING external_id
        """

# The matches of still unmatched PMS clients (``%s``: their rows).
REF_MATCH_UPDATE = """
                UPDATE clinic_loyalty_pms_client_ref r
                   SET partner_id = v.partner_id, match_method = v.method, match_note = v.note,
                       -- a lines file without its client file never erases known details
                       name = COALESCE(NULLIF(v.name, ''), r.name),
                       phone = COALESCE(NULLIF(v.phone, ''), r.phone),
                       email = COALESCE(NULLIF(v.email, ''), r.email)
                  FROM (VALUES %s) AS v(id, partner_id, method, note, name, phone, email)
                 WHERE r.id = v.id AND r.partner_id IS NULL
            """


def pick(phone_hits, email_hits):
    """(partner id or None, method or None, number of candidates) for the
    client ids that share a PMS client's phone and its email: one by phone,
    else one by email when no phone fits, else the one both name."""
    if len(phone_hits) == 1:
        return next(iter(phone_hits)), "phone", 1
    if not phone_hits and len(email_hits) == 1:
        return next(iter(email_hits)), "email", 1
    if len(phone_hits & email_hits) == 1:
        return next(iter(phone_hits & email_hits)), "phone", 1
    return None, None, len(phone_hits | email_hits)


def relink_entries(invoices, earned_on, target, key, reason):
    """(ledger entries, points moved) that move what ``invoices`` [(model,
    id, name, points)] earned from the account each earned on (``earned_on``
    {invoice id: account id}) to the account ``target``; ``key(invoice id,
    source account id)`` names the pair of entries of an invoice."""
    entries, moved = [], 0
    for model, invoice_id, name, points in invoices:
        source = earned_on.get(invoice_id)
        if not source or source == target:
            continue
        common = {"res_model": model, "res_id": invoice_id, "source_name": name, "reason": reason}
        pair = key(invoice_id, source)
        entries += [
            dict(common, account_id=source, points=-points, kind="reversal", key=f"{pair}:out"),
            dict(common, account_id=target, points=points, kind="import", key=f"{pair}:in"),
        ]
        moved += points
    return entries, moved
