"""Sample bodies of the medications and statements resources, and reads of what the
portal shows for them (staff lists, the patient counter behind the home tile)."""
from __future__ import annotations

MEDICATION = {"patient": "P100", "medication": "Lisinopril 10 mg tablet", "status": "active", "dose": "10 mg",
              "dosageInstruction": "One tablet by mouth once a day", "requester": "Dr Raj Patel",
              "numberOfRepeatsAllowed": 2}

STATEMENT = {"patient": "P100", "date": "2026-12-01", "dueDate": "2027-01-15", "currency": "USD",
             "lines": [{"serviceDate": "2026-11-02", "description": "Office visit", "charge": "150.00"},
                       {"serviceDate": "2026-11-02", "description": "Lab work", "charge": "45.50"},
                       {"serviceDate": "2026-11-03", "description": "Insurance paid", "payment": "60"},
                       {"serviceDate": "2026-11-03", "description": "Contractual adjustment",
                        "adjustment": "15.00"}]}
STATEMENT_CENTS = 15000 + 4550 - 6000 - 1500   # 12050


def medications(admin, pid="P100") -> list[dict]:
    r = admin.get(f"/api/clinics/SUNRISE/medications/{pid}")
    assert r.status == 200, r.text
    return r.json()["items"]


def statements(admin, pid="P100") -> list[dict]:
    r = admin.get(f"/api/clinics/SUNRISE/billing/{pid}/statements")
    assert r.status == 200, r.text
    return r.json()["items"]


def balance(pid="P100", clinic_key="sunrise") -> int:
    """The patient counter's balance (what the home tile shows), read from the table."""
    from chalicelib.models.section_counter import SectionCounterModel as C

    try:
        item = C.get(clinic_key, f"patient#{pid}", consistent_read=True)
    except C.DoesNotExist:
        return 0
    return int(item.billing_balance_cents or 0)


def statements_sum(pid="P100", clinic_key="sunrise") -> int:
    """Σ balance of the patient's statements as stored: the counter must equal it."""
    from chalicelib.models import StatementModel as S

    return sum(int(s.balance_cents) for s in S.query(f"{clinic_key}#{pid}", consistent_read=True))
