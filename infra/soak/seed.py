"""The soak's seed: one clinic, a staff member per client, an auditor, patients.

Each client signs in as its own staff member, so a client's wrong passwords only
ever count against its own username (it keeps its streak under the lockout
threshold) and one client's lockout cannot turn another's logins into 429s.
Every client reaches the stack from 127.0.0.1, so the clinic's per-IP failure
limit is raised from the default 100 per 15 minutes to the highest allowed
(100,000): the soak makes thousands of deliberate failures from one address.
Everything else keeps the product's defaults, the CAPTCHA is on (the local
stack's checkbox token), and the lockout threshold stays 5.

The passwords are derived from the client's number: this seed is for the local
stack only and its logins open nothing else.
"""
from __future__ import annotations

import json

CLINIC_ID = "SOAK"
CLINIC_KEY = "soak"
AUDITOR = "SoakAuditor"
LOCKOUT_THRESHOLD = 5
IP_FAILURE_LIMIT = 100_000
PATIENTS = 20


def staff_username(index: int) -> str:
    return f"Soak{index:03d}"


def staff_password(index: int) -> str:
    return f"soak-client-{index:03d}-passphrase"


def staff_roles(index: int) -> list[str]:
    """Even clients are administrators, odd ones front desk (no audit, no staff list)."""
    return ["admin"] if index % 2 == 0 else ["front_desk"]


AUDITOR_PASSWORD = "soak-auditor-passphrase"


def patient_id(n: int) -> str:
    return f"P{n:03d}"


def build(clients: int) -> dict:
    staff = [{"clinic_id": CLINIC_ID, "username": staff_username(i), "password": staff_password(i),
              "first_name": "Soak", "last_name": f"Client{i:03d}", "roles": staff_roles(i)}
             for i in range(clients)]
    staff.append({"clinic_id": CLINIC_ID, "username": AUDITOR, "password": AUDITOR_PASSWORD,
                  "first_name": "Soak", "last_name": "Auditor", "roles": ["admin"]})
    return {
        "clinics": [{"clinic_id": CLINIC_ID, "name": "Soak Test Clinic",
                     "settings": {"captcha_required": True, "lockout_threshold": LOCKOUT_THRESHOLD,
                                  "ip_failure_limit": IP_FAILURE_LIMIT}}],
        "staff": staff,
        "patients": [{"clinic_id": CLINIC_ID, "patient_id": patient_id(n), "first_name": f"Pat{n:03d}",
                      "last_name": "Soakfield", "date_of_birth": "1980-01-01"} for n in range(PATIENTS)],
    }


def write(path: str, clients: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(build(clients), f, indent=1)
