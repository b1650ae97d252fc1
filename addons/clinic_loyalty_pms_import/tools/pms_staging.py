"""Staging a batch of parsed PMS rows: the invoices it names (state and
total of each) and the set-based SQL that upserts them and inserts their
lines. Pure Python, no ORM (``clinic.loyalty.pms.import`` runs it)."""

from .pms_rows import CHARGE

STATE_RANK = "CASE %s WHEN 'void' THEN 3 WHEN 'open' THEN 2 ELSE 1 END"
# An invoice that already earned points stays with its client (the ledger
# would otherwise leave them on the old account): a re-import naming another
# client changes amounts and status only. Void it in the PMS and re-issue.
KEEP = "CASE WHEN i.loyalty_points <> 0 OR i.loyalty_counted_amount <> 0 THEN %s ELSE %s END"

INVOICE_UPSERT = f"""
            INSERT INTO clinic_loyalty_pms_invoice AS i
                (profile_id, company_id, name, date, state, client_ref_id, partner_id, pms_client_ref,
                 pms_client_name, pms_phone, pms_email, import_id, row_number, amount_total, create_uid,
                 write_uid, loyalty_synced, loyalty_counted_amount, loyalty_points, loyalty_seq,
                 create_date, write_date)
            SELECT v.*, v.uid, FALSE, 0, 0, 0, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v(profile_id, company_id, name, date, state, client_ref_id, partner_id,
                                    pms_client_ref, pms_client_name, pms_phone, pms_email, import_id,
                                    row_number, amount_total, uid)
            ON CONFLICT (profile_id, name) DO UPDATE SET
                date = EXCLUDED.date,
                state = CASE WHEN i.import_id = EXCLUDED.import_id
                              AND {STATE_RANK % 'i.state'} > {STATE_RANK % 'EXCLUDED.state'}
                             THEN i.state ELSE EXCLUDED.state END,
                client_ref_id = {KEEP % ('i.client_ref_id', 'EXCLUDED.client_ref_id')},
                partner_id = {KEEP % ('i.partner_id', 'EXCLUDED.partner_id')},
                pms_client_ref = {KEEP % ('i.pms_client_ref', 'EXCLUDED.pms_client_ref')},
                pms_client_name = {KEEP % ('i.pms_client_name', 'EXCLUDED.pms_client_name')},
                pms_phone = {KEEP % ('i.pms_phone', 'EXCLUDED.pms_phone')},
                pms_email = {KEEP % ('i.pms_email', 'EXCLUDED.pms_email')},
                row_number = CASE WHEN i.import_id = EXCLUDED.import_id THEN i.row_number
                                  ELSE EXCLUDED.row_number END,
                amount_total = CASE WHEN i.import_id = EXCLUDED.import_id
                                    THEN i.amount_total + EXCLUDED.amount_total
                                    ELSE EXCLUDED.amount_total END,
                import_id = EXCLUDED.import_id, loyalty_synced = FALSE,
                write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            RETURNING id, name
        """

LINE_INSERT = """
            INSERT INTO clinic_loyalty_pms_invoice_line
                (invoice_id, company_id, import_id, row_number, product_id, kind, code, description,
                 quantity, amount, patient, create_uid, write_uid, create_date, write_date)
            SELECT v.*, v.uid, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v(invoice_id, company_id, import_id, row_number, product_id, kind, code,
                                    description, quantity, amount, patient, uid)
        """


def group_batch(batch, products):
    """(codes, clients, invoices) of a batch of rows: the billing codes not in
    ``products`` yet {code: description}, the clients {ref: (name, phone,
    email)} and the invoices {number: {"first": its first row, "state": the
    worst status of its rows, "total": the sum of their amounts}}."""
    codes = {}
    clients = {}
    invoices = {}
    for row in batch:
        if row.kind == CHARGE and row.code not in products:
            codes.setdefault(row.code, row.description)
        clients.setdefault(row.client_ref, (row.client_name, row.phone, row.email))
        head = invoices.get(row.invoice)
        if head is None:
            invoices[row.invoice] = head = {"first": row, "state": row.status, "total": 0}
        elif row.status == "void" or (row.status == "open" and head["state"] == "paid"):
            head["state"] = row.status
        head["total"] += row.amount
    return codes, clients, invoices
