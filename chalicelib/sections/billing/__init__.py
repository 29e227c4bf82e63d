"""The Billing section (`billing`): statements per patient, entered by staff with
`billing.manage` (admins, front desk), read by the patient side.

- `lines`: a statement's line items (service date, description, charge, payment,
  adjustment: integer cents, never floats) and the balance they give;
- `statements`: staff enter a statement (statement date, due date, lines) and record
  payments received (a payment line, audited); staff and the patient side list a
  patient's statements (one Query a page, newest first) with an access-log event;
- `settings`: the clinic's `payment_url` ("Pay now" links out to it: no card data
  ever passes through the portal) and `currency`.

The patient's balance due (`patient#<id>.billing_balance_cents`) and the due date of
the statement entered last (`billing_due_date`) live on the patient counter, changed
in the same transaction as the statement, so the patient home stays one request.
"""
BILLING = "billing"


def patient_key(clinic_key: str, patient_id: str) -> str:
    return f"{clinic_key}#{patient_id}"
