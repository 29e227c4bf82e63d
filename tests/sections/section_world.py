"""Shared steps of the Refills and Billing tests: Ann (P100, Self) gets both sections."""
from __future__ import annotations

from tests.conftest import ADMIN_PW
from tests.portal_helpers import ACCOUNTS, ann_account_id, patient, signed_in

MEDS = "/api/clinics/SUNRISE/medications/P100"
QUEUE = "/api/clinics/SUNRISE/refill-requests"
BILL = "/api/clinics/SUNRISE/billing/P100/statements"
PP = "/api/portal/patients/P100"


def jane(gateway):
    return signed_in(gateway, "DoeJ", ADMIN_PW)


def grant_sections(admin, *sections: str) -> None:
    account_id = ann_account_id(admin)
    r = admin.patch(f"{ACCOUNTS}/{account_id}", json={"permissions": ["appointments", "messages", *sections]})
    assert r.status == 200, r.text


def ann(gateway, admin, *sections: str):
    grant_sections(admin, *sections)
    return patient(gateway)


def add_med(staff, **overrides) -> dict:
    body = {"name": "Lisinopril", "dose": "10 mg", "instructions": "One tablet a day",
            "prescriber": "Dr Patel", "refills_left": 2}
    body.update(overrides)
    r = staff.post(MEDS, json=body)
    assert r.status == 201, r.text
    return r.json()["medication"]


def ask(person, medication_id: str, pharmacy="Main St Pharmacy", **extra):
    return person.post(f"{PP}/refill-requests", json={"medication_id": medication_id, "pharmacy": pharmacy,
                                                      **extra})


def audit_kinds() -> list[str]:
    from tests.conftest import table_items

    return [i["kind"]["S"] for i in table_items("audit_events")]


def audit_of(kind: str) -> list[dict]:
    from tests.conftest import table_items

    return [i for i in table_items("audit_events") if i["kind"]["S"] == kind]
