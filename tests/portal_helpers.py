"""Helpers for the portal-account, invitation, staff and settings tests."""
from __future__ import annotations

import re

from tests.conftest import CLINICIAN_PW, DESK_PW, LAKE_PW, PATIENT_PW, login

ACCOUNTS = "/api/clinics/SUNRISE/portal-accounts"
STRONG_PW = "correct horse battery staple lantern"


def sent_messages() -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def token_in(message) -> str:
    match = re.search(r"/invite\?token=([A-Za-z0-9_-]+)", message.body)
    assert match, message.body
    return match.group(1)


def reset_token_in(message) -> str:
    match = re.search(r"/reset\?token=([A-Za-z0-9_-]+)", message.body)
    assert match, message.body
    return match.group(1)


def signed_in(gateway, username, password, *, clinic="SUNRISE", login_type="staff"):
    b = gateway.browser()
    r = login(b, username, password, clinic=clinic, login_type=login_type)
    assert r.status == 200, r.text
    return b


def desk(gateway):
    return signed_in(gateway, "SmithF", DESK_PW)


def clinician(gateway):
    return signed_in(gateway, "PatelR", CLINICIAN_PW)


def lakeside_admin(gateway):
    return signed_in(gateway, "KimS", LAKE_PW, clinic="Lakeside")


def patient(gateway):
    return signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")


def rep_body(**overrides) -> dict:
    body = {"patient_id": "P100", "username": "rep@example.com", "first_name": "Rita", "last_name": "Lee",
            "access_type": "authorized_rep", "permissions": ["appointments", "forms"]}
    body.update(overrides)
    return body


def self_body(**overrides) -> dict:
    # P101: P100 (Ann) already has her Self account in the seed, and a patient has one.
    body = {"patient_id": "P101", "username": "ann.lee@example.org", "first_name": "Ann", "last_name": "Lee",
            "access_type": "self"}
    body.update(overrides)
    return body


def create(browser, body, clinic="SUNRISE"):
    return browser.post(f"/api/clinics/{clinic}/portal-accounts", json=body)


def ann_account_id(browser) -> str:
    r = browser.get(ACCOUNTS + "?patient_id=P100&q=ann@")
    assert r.status == 200, r.text
    (item,) = [i for i in r.json()["items"] if i["username"] == "ann@example.com"]
    return item["account_id"]


def invite_rep(browser, **overrides) -> tuple[dict, str]:
    """Create a representative; return (account, token from the one email it got)."""
    before = len(sent_messages())
    r = create(browser, rep_body(**overrides))
    assert r.status == 201, r.text
    messages = sent_messages()
    assert len(messages) == before + 1
    return r.json()["account"], token_in(messages[-1])


def accept(browser, token, password=STRONG_PW):
    return browser.post("/api/invitations/accept", json={"token": token, "password": password})




def user_counters(login_type: str, username_key: str) -> list:
    """The failed-login counter items of one username (empty: no failures, no lockout)."""
    from tests.conftest import table_items

    return [r for r in table_items("login_counters")
            if r["counter_key"]["S"].startswith("user#") and r["counter_key"]["S"].endswith(
                f"#{login_type}#{username_key}")]


def all_tables() -> dict[str, list[str]]:
    """Every raw item of every table of this stage ({table name: sorted items as text})."""
    from chalicelib.core.settings import get_settings
    from tests.conftest import aws_client

    client = aws_client("dynamodb")
    prefix = get_settings().table_prefix
    out = {}
    for name in client.list_tables()["TableNames"]:
        if not name.startswith(prefix):
            continue
        items, kwargs = [], {}
        while True:
            page = client.scan(TableName=name, **kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        out[name] = sorted(map(repr, items))
    return out


# ---------------------------------------------------------------- forms

CONSENT_FIELDS = [
    {"key": "full_name", "label": "Your full name", "type": "short_text", "required": True},
    {"key": "signed", "label": "I agree to treatment", "type": "yes_no", "required": True},
    {"key": "notes", "label": "Anything we should know", "type": "long_text", "required": False},
]
CONSENT_ANSWERS = {"full_name": "Rita Lee", "signed": True}


def form_template(browser, name: str = "Consent to treat", fields=None, clinic: str = "SUNRISE") -> str:
    """A new form template of the clinic (by a holder of portal_accounts.manage); its id."""
    r = browser.post(f"/api/clinics/{clinic}/form-templates",
                     json={"name": name, "fields": fields or CONSENT_FIELDS})
    assert r.status == 201, r.text
    return r.json()["form_template"]["template_id"]


def request_form(browser, account_id: str, name: str = "Consent to treat", clinic: str = "SUNRISE", **extra):
    """Ask the account to fill in a new template called `name`; the reply."""
    template_id = form_template(browser, name, clinic=clinic)
    return browser.post(f"/api/clinics/{clinic}/portal-accounts/{account_id}/form-requests",
                        json={"template_id": template_id, **extra})
