"""Security email: a sign-in from a browser that has not signed in before (no valid
device cookie for this person). Not on an account's very first sign-in; never a
password; a failed email never fails the login."""
from __future__ import annotations

from unittest import mock

import pytest

from tests.conftest import ADMIN_PW, DESK_PW, PATIENT_PW, login
from tests.portal_helpers import sent_messages

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SUBJECT = "a sign-in from a new browser"


def new_browser_mails(address: str) -> list:
    return [m for m in sent_messages() if address in m.destinations["ToAddresses"] and SUBJECT in m.subject]


def test_a_browser_without_a_device_cookie_gets_the_email_and_one_with_it_does_not(gateway, seeded):
    first = gateway.browser()
    assert login(first, "DoeJ", ADMIN_PW).status == 200          # the account's first sign-in: no email
    assert new_browser_mails("jane@sunrise.example") == []
    laptop = gateway.browser(user_agent=FIREFOX, source_ip="203.0.113.5")
    assert login(laptop, "DoeJ", ADMIN_PW).status == 200
    (mail,) = new_browser_mails("jane@sunrise.example")
    assert mail.subject == "Sunrise Family Clinic: a sign-in from a new browser"
    for fact in ("Sunrise Family Clinic", "DoeJ", "Firefox 128 on Windows", "203.0.113.5",
                 "http://127.0.0.1:8000/?clinicID=SUNRISE", "Sign out everywhere else"):
        assert fact in mail.body, fact
    assert ADMIN_PW not in mail.body and "portal_device_" not in mail.body
    # The same browsers again: they hold a device cookie for Jane now.
    assert login(laptop, "DoeJ", ADMIN_PW).status == 200
    assert login(first, "DoeJ", ADMIN_PW).status == 200
    assert len(new_browser_mails("jane@sunrise.example")) == 1
    # A bearer login never carries a device cookie: always a new browser.
    assert login(gateway.browser(), "DoeJ", ADMIN_PW, session_delivery="bearer").status == 200
    assert len(new_browser_mails("jane@sunrise.example")) == 2


def test_a_patient_gets_it_too(gateway, seeded):
    assert login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    assert login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    (mail,) = new_browser_mails("ann@example.com")
    assert "patient portal" in mail.body and "LoginType=Patient" in mail.body
    assert PATIENT_PW not in mail.body


def test_a_new_accounts_first_sign_in_sends_none_its_second_browser_does(gateway, seeded, admin):
    r = admin.post("/api/clinics/SUNRISE/staff", json={
        "username": "NewN", "first_name": "Nia", "last_name": "New", "email": "nia@sunrise.example",
        "roles": ["clinician"], "force_password_change": False})
    assert r.status == 201, r.text
    password = r.json()["credentials"]["temporary_password"]
    assert login(gateway.browser(), "NewN", password).status == 200
    assert new_browser_mails("nia@sunrise.example") == []
    assert login(gateway.browser(), "NewN", password).status == 200
    assert len(new_browser_mails("nia@sunrise.example")) == 1


def test_no_email_address_no_email(gateway, seeded):
    before = len(sent_messages())
    for _ in range(2):
        assert login(gateway.browser(), "SmithF", DESK_PW).status == 200
    assert len(sent_messages()) == before


@pytest.mark.parametrize("failure", ["ses_refuses", "ses_unreachable", "unexpected"])
def test_the_login_still_succeeds_when_the_email_fails(gateway, seeded, failure):
    from botocore.exceptions import ClientError, EndpointConnectionError

    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200
    error = {"ses_refuses": ClientError({"Error": {"Code": "Throttling"}}, "SendEmail"),
             "ses_unreachable": EndpointConnectionError(endpoint_url="https://email.example"),
             "unexpected": RuntimeError("boom")}[failure]
    client = mock.Mock()
    client.send_email.side_effect = error
    b = gateway.browser()
    with mock.patch("chalicelib.core.clients.client", return_value=client):
        r = login(b, "DoeJ", ADMIN_PW)
    assert client.send_email.called                      # it was tried
    assert r.status == 200, r.text
    assert b.get("/api/me").status == 200
    assert new_browser_mails("jane@sunrise.example") == []
