"""The Forms section's world: a front-desk browser (holds portal_accounts.manage and
forms.review), Rita representing Ben (P101) with Forms, signed in, and a consent
template with every kind of field."""
from dataclasses import dataclass

import pytest

from tests.portal_helpers import (
    ACCOUNTS,
    STRONG_PW,
    accept,
    create,
    desk,
    form_template,
    rep_body,
    sent_messages,
    signed_in,
    token_in,
)

PP = "/api/portal/patients"
TEMPLATES = "/api/clinics/SUNRISE/form-templates"
SUBMISSIONS = "/api/clinics/SUNRISE/form-submissions"

FIELDS = [
    {"key": "full_name", "label": "Full name", "type": "short_text", "required": True},
    {"key": "history", "label": "Medical history", "type": "long_text", "required": False,
     "help": "Operations, illnesses"},
    {"key": "born", "label": "Date of birth", "type": "date", "required": True},
    {"key": "smoker", "label": "Do you smoke?", "type": "yes_no", "required": True},
    {"key": "contact", "label": "Best way to reach you", "type": "choice", "required": False,
     "options": ["Phone", "Email", "Text message"]},
]
GOOD = {"full_name": "Ben Lee", "history": "Asthma", "born": "2015-06-07", "smoker": False, "contact": "Email"}


@dataclass
class Forms:
    staff: object
    person: object
    account_id: str
    template_id: str

    def ask(self, **extra) -> dict:
        r = self.staff.post(f"{ACCOUNTS}/{self.account_id}/form-requests",
                            json={"template_id": self.template_id, **extra})
        assert r.status == 201, r.text
        return r.json()["form_request"]

    def mine(self, rid: str = "") -> str:
        return f"{PP}/P101/form-requests" + (f"/{rid}" if rid else "")


@pytest.fixture
def forms(gateway, seeded):
    staff = desk(gateway)
    r = create(staff, rep_body(patient_id="P101", permissions=["forms"]))
    assert r.status == 201, r.text
    account_id = r.json()["account"]["account_id"]
    assert accept(gateway.browser(), token_in(sent_messages()[-1])).status == 204
    person = signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")
    return Forms(staff, person, account_id, form_template(staff, "Intake", FIELDS))
