"""The config document the pages read (/static/portal-config.json) is the
server's own lists, limits and patterns, and the pages are assembled whole."""
import re

import pytest

from chalicelib.api import page_config, pages
from chalicelib.api.page_config import jsonable
from chalicelib.core import limits
from chalicelib.core.audit_words import KINDS
from chalicelib.portal_accounts.records import ACCESS_TYPES, PORTAL_SECTIONS
from chalicelib.staff.roles import ROLE_PERMISSIONS


def served(browser) -> dict:
    r = browser.get("/static/portal-config.json")
    assert r.status == 200 and r.header("content-type").startswith("application/json")
    return r.json()


def test_the_config_document_is_the_python_definitions(browser, aws):
    doc = served(browser)
    assert [s["id"] for s in doc["sections"]] == list(PORTAL_SECTIONS)
    assert [a["id"] for a in doc["access_types"]] == list(ACCESS_TYPES)
    assert {r["id"]: set(r["permissions"]) for r in doc["roles"]} == {k: set(v) for k, v in ROLE_PERMISSIONS.items()}
    assert set(doc["permissions"]) == set().union(*ROLE_PERMISSIONS.values())
    assert all(item["label"] for item in doc["sections"] + doc["access_types"] + doc["roles"])
    assert all(r["help"] for r in doc["roles"])
    assert [(k["id"], k["label"]) for k in doc["audit_kinds"]] == list(KINDS.items())
    for name, value in doc["limits"].items():
        assert value == jsonable(getattr(limits, name))
    assert doc["limits"]["DUE_DATE_YEARS"] == list(limits.DUE_DATE_YEARS)
    assert doc["limits"]["SETTINGS_RANGES"]["lockout_threshold"] == {
        "type": "int", "min": limits.SETTINGS_RANGES["lockout_threshold"][1],
        "max": limits.SETTINGS_RANGES["lockout_threshold"][2]}
    for name, source in doc["patterns"].items():
        assert source == getattr(limits, name).pattern


def test_every_limit_and_pattern_is_in_the_document(browser, aws):
    doc = served(browser)
    public = {n for n in dir(limits) if n.isupper()}
    assert set(doc["limits"]) | set(doc["patterns"]) == public


SAMPLES = {
    "CLINIC_ID_RE": ["SUNRISE", "a", "lake-side_2", "-x", "", "a b", "x" * 64, "x" * 65, "ä", "A\n"],
    "PATIENT_ID_RE": ["L101", "l-1_2", "_x", "", "x" * 65, "1 2"],
    "STAFF_USERNAME_RE": ["DoeJ", "a.b-c_d", "a", ".ab", "ab!", "x" * 64, "x" * 65],
    "RECORD_ID_RE": ["0" * 32, "a" * 32, "A" * 32, "0" * 31, "g" * 32],
    "EMAIL_RE": ["a@example.com", "a.b+c@x-y.example", "a@b", "@example.com", "a b@example.com",
                 "a@-x.com", "a@x-.com", "a@ex_ample.com"],
    "DATE_RE": ["2031-05-01", "2031-5-1", "20310501", "x2031-05-01"],
    "PHONE_RE": ["+1 555 010 0100", "(555) 010-0100", "555.010.0100", "++1555", "555-CALL", "+", "5550100 "],
    "POSTAL_CODE_RE": ["94000", "94000-1234", "SW1A 1AA", "-9400", "9400!", "x" * 13, "ab"],
    "PASSKEY_ID_RE": ["A" * 43, "a-_9" * 10 + "abc", "A" * 42, "A" * 44, "A" * 42 + "="],
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_patterns_have_no_python_only_syntax(name):
    # The browser test `test_config_patterns_match_in_the_browser` runs SAMPLES
    # through `new RegExp` and compares with Python's answers.
    assert page_config.js_pattern(getattr(limits, name)).startswith("^")


@pytest.mark.parametrize("bad", [r"(?P<x>a)", r"\Aab\Z", r"(?i)^ab$", r"ab"])
def test_python_only_patterns_are_refused(bad):
    with pytest.raises(ValueError):
        page_config.js_pattern(re.compile(bad))


@pytest.mark.parametrize("path", sorted(pages.PAGES))
def test_pages_are_assembled_whole(browser, aws, path):
    html = browser.get(path).text
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "{{" not in html and "---" not in html.split("<main", 1)[0]
    assert html.count("<header") == 1 and html.count('<main id="main"') == 1
    assert re.search(r'<script type="module" src="/static/[a-z-]+\.js"></script>', html)
    assert "<script>" not in html and " defer" not in html  # modules only, no inline code


def test_page_limits_come_from_python(browser, aws):
    html = browser.get("/portal-accounts/setup").text
    assert f'id="first-name" name="first_name" type="text" maxlength="{limits.NAME_MAX}"' in html
    assert f'maxlength="{limits.NOTE_MAX}"' in html


@pytest.mark.parametrize("name", ["shell.html", "staff-frame.html", "staff.html", "portal-config.js"])
def test_fragments_and_pages_are_not_static_files(browser, aws, name):
    assert browser.get(f"/static/{name}").status == 404


def test_the_staff_tools_name_only_permissions_the_server_grants(browser, aws):
    """staff-links.js gates each tool on a permission name; a misspelt or retired one
    would hide the tool from everyone. Every name it uses must be one a role grants,
    and every permission a role grants must open some tool or page."""
    with open(page_config.__file__.replace("api/page_config.py", "web/staff-links.js"), encoding="utf-8") as f:
        source = f.read()
    used = set(re.findall(r'permission:\s*"([^"]+)"', source))
    granted = set(served(browser)["permissions"])
    assert used and used <= granted, used - granted
    assert granted == used  # every permission opens its page (audit.view: the audit log)


def test_the_length_limits_agree_with_the_patterns():
    """The fields' maxlength come from these numbers; the patterns must allow exactly that."""
    assert limits.CLINIC_ID_RE.fullmatch("A" * limits.CLINIC_ID_MAX)
    assert not limits.CLINIC_ID_RE.fullmatch("A" * (limits.CLINIC_ID_MAX + 1))
    assert limits.STAFF_USERNAME_RE.fullmatch("A" * limits.STAFF_USERNAME_MAX)
    assert not limits.STAFF_USERNAME_RE.fullmatch("A" * (limits.STAFF_USERNAME_MAX + 1))
