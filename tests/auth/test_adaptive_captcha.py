"""Adaptive CAPTCHA: after `captcha_after_failures` (default 3) failed logins for a
username (known or not) or from a source IP, the login needs the CAPTCHA even at a
clinic that does not require it always; the 401 and the clinic-info reply say so."""
from __future__ import annotations

import itertools

from tests.conftest import ADMIN_PW, LAKE_PW, login

LAKE = "/api/clinics/Lakeside"    # the default settings: captcha_after_failures 3, captcha_required false
_ips = (f"203.0.113.{n}" for n in itertools.count(10))


def attempt(gateway, username, password, *, ip=None, **extra):
    b = gateway.browser(source_ip=ip or next(_ips))
    return login(b, username, password, clinic="Lakeside", **extra)


def captcha_token(gateway) -> str:
    r = gateway.browser().post(LAKE + "/captcha/local-token")
    assert r.status == 201, r.text
    return r.json()["token"]


def test_a_username_needs_the_captcha_after_three_failures_and_not_before(gateway, seeded):
    replies = [attempt(gateway, "KimS", "wrong password") for _ in range(3)]
    assert [r.status for r in replies] == [401, 401, 401]
    assert ["captcha_required" in r.json() for r in replies] == [False, False, True]
    assert replies[2].json()["captcha_required"] is True
    assert replies[0].json()["message"] == replies[2].json()["message"]
    # Now even the right password needs the check (from any address).
    r = attempt(gateway, "KimS", LAKE_PW)
    assert (r.status, r.json()["error"], r.json()["captcha_required"]) == (400, "captcha_invalid", True)
    assert attempt(gateway, "KimS", LAKE_PW, captcha_token="not-a-real-token").status == 400
    assert attempt(gateway, "KimS", LAKE_PW, captcha_token=captcha_token(gateway)).status == 200
    # A success clears the username's count.
    assert attempt(gateway, "KimS", LAKE_PW).status == 200


def test_an_unknown_username_is_counted_the_same_so_nothing_is_revealed(gateway, seeded):
    known = [attempt(gateway, "KimS", "wrong password") for _ in range(4)]
    unknown = [attempt(gateway, "NoSuchUser", "wrong password") for _ in range(4)]
    assert [(r.status, r.body) for r in known] == [(r.status, r.body) for r in unknown]
    assert known[3].json()["error"] == "captcha_invalid"


def test_other_usernames_are_not_affected(gateway, seeded):
    for _ in range(3):
        attempt(gateway, "NoSuchUser", "wrong password")
    assert attempt(gateway, "KimS", LAKE_PW).status == 200
    r = attempt(gateway, "KimS", "wrong password")
    assert (r.status, "captcha_required" in r.json()) == (401, False)


def test_a_source_ip_needs_the_captcha_after_three_failures_whatever_the_username(gateway, seeded):
    ip = "192.0.2.44"
    info = gateway.browser(source_ip=ip).get(LAKE)
    assert info.json()["captcha"]["required"] is False
    replies = [attempt(gateway, f"Guess{n}", "wrong password", ip=ip) for n in range(3)]
    assert ["captcha_required" in r.json() for r in replies] == [False, False, True]
    assert gateway.browser(source_ip=ip).get(LAKE).json()["captcha"]["required"] is True
    assert gateway.browser(source_ip="192.0.2.45").get(LAKE).json()["captcha"]["required"] is False
    r = attempt(gateway, "KimS", LAKE_PW, ip=ip)
    assert (r.status, r.json()["error"]) == (400, "captcha_invalid")
    assert attempt(gateway, "KimS", LAKE_PW, ip="192.0.2.45").status == 200
    assert attempt(gateway, "KimS", LAKE_PW, ip=ip, captcha_token=captcha_token(gateway)).status == 200


def test_the_clinic_info_is_still_one_request(gateway, seeded, aws_calls):
    aws_calls.reset()
    assert gateway.browser().get(LAKE).status == 200
    assert aws_calls.count("dynamodb") == 1


def test_the_threshold_is_a_clinic_setting_checked_on_save(gateway, seeded):
    kim = gateway.browser()
    assert login(kim, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    assert kim.get(LAKE + "/settings").json()["settings"]["captcha_after_failures"] == 3
    for bad in (0, 101, "3", 2.5, True):
        r = kim.patch(LAKE + "/settings", json={"captcha_after_failures": bad})
        assert r.status == 400, bad
        assert "captcha_after_failures" in r.json()["message"]
    assert kim.patch(LAKE + "/settings", json={"captcha_after_failures": 5}).status == 200
    replies = [attempt(gateway, "NoSuchUser", "wrong password") for _ in range(5)]
    assert ["captcha_required" in r.json() for r in replies] == [False] * 4 + [True]


def test_a_clinic_that_requires_it_always_is_unchanged(gateway, seeded, admin):
    assert admin.patch("/api/clinics/SUNRISE/settings", json={"captcha_required": True}).status == 200
    r = login(gateway.browser(), "DoeJ", ADMIN_PW)
    assert (r.status, r.json()["error"]) == (400, "captcha_invalid")


def test_a_browser_trusted_by_its_device_cookie_is_judged_by_its_own_count(gateway, seeded):
    mine = gateway.browser(source_ip="192.0.2.80")
    assert login(mine, "KimS", LAKE_PW, clinic="Lakeside").status == 200     # leaves a device cookie
    for _ in range(3):
        attempt(gateway, "KimS", "someone else guessing")
    # Others' failures on the username ask a new browser for the check, not Kim's own browser.
    assert attempt(gateway, "KimS", LAKE_PW).json()["error"] == "captcha_invalid"
    assert login(mine, "KimS", LAKE_PW, clinic="Lakeside").status == 200
