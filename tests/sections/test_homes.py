"""The patient home and the staff workspace (issue 12, points 2 and 5): tiles only for
permitted and built sections, what needs attention, who may see which, and the
self-refresh contract: one DynamoDB request per poll, 304 while nothing changed, and
a background poll that does not keep the session alive."""
import pytest

from chalicelib.core.records import write
from chalicelib.sections import counters
from tests.portal_helpers import (
    CONSENT_ANSWERS,
    STRONG_PW,
    accept,
    clinician,
    create,
    desk,
    lakeside_admin,
    patient,
    rep_body,
    request_form,
    sent_messages,
    signed_in,
    token_in,
)

PP = "/api/portal/patients"
WORKSPACE = "/api/clinics/SUNRISE/workspace"
BACKGROUND = {"X-Portal-Background": "1"}
CK = "sunrise"


@pytest.fixture
def rita(gateway, seeded):
    """(staff browser, Rita's browser): Rita represents Ben (P101) with Messages, Forms and
    Appointments, and Cara (P102) with Billing only; she has nothing for Ann (P100)."""
    staff = desk(gateway)
    assert create(staff, rep_body(patient_id="P101", permissions=["appointments", "messages", "forms"])).status == 201
    (invitation,) = sent_messages()
    assert create(staff, rep_body(patient_id="P102", permissions=["billing"])).status == 201
    assert accept(gateway.browser(), token_in(invitation)).status == 204
    return staff, signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")


def bump(key: str, **deltas) -> None:
    """What a section's write does to the counts, in its own transaction."""
    write(lambda tx: counters.bump(tx, CK, {key: deltas}))


def home(browser, pid: str, **kw):
    r = browser.get(f"{PP}/{pid}/home", **kw)
    assert r.status in (200, 304), r.text
    return r


def tiles(browser, pid: str) -> dict:
    return {t["section"]: t["attention"]["text"] for t in home(browser, pid).json()["tiles"]}


def rita_account(staff, pid: str) -> str:
    items = staff.get("/api/clinics/SUNRISE/portal-accounts?q=rep@").json()["items"]
    return next(i["account_id"] for i in items if i["patient"]["patient_id"] == pid)


# ---------------------------------------------------------------- what the patient home shows

def test_tiles_only_for_permitted_sections_that_are_built(rita):
    _staff, person = rita
    body = home(person, "P101").json()
    assert body["patient"] == {"id": "P101", "name": "Ben Lee"}
    assert [(t["section"], t["label"], t["href"]) for t in body["tiles"]] == [
        ("appointments", "Appointments", "/appointments"), ("messages", "Messages", "/messages"),
        ("forms", "Forms", "/forms")]
    assert body["not_yet"] == []

    body = home(person, "P102").json()
    assert body["patient"] == {"id": "P102", "name": "Cara Lee"}
    # no Messages, no Forms: not permitted; Billing (built in part 2) says what is due
    assert [(t["section"], t["href"], t["attention"]["text"]) for t in body["tiles"]] == [
        ("billing", "/billing", "Nothing due")]
    assert body["not_yet"] == []


def test_a_patient_for_themselves(gateway, seeded):
    ann = patient(gateway)   # Self, with appointments and messages
    body = home(ann, "P100").json()
    assert [t["section"] for t in body["tiles"]] == ["appointments", "messages"]
    assert body["not_yet"] == []


def test_tiles_say_what_needs_attention(rita):
    staff, person = rita
    assert tiles(person, "P101") == {"appointments": "No upcoming appointments", "messages": "Nothing new",
                                     "forms": "Nothing new"}
    bump(counters.patient("P101"), messages_unread=2)
    bump(counters.patient("P100"), messages_unread=5)   # another patient's: not Ben's tile
    account = rita_account(staff, "P101")
    r = request_form(staff, account)
    assert r.status == 201, r.text
    body = home(person, "P101").json()
    shown = {t["section"]: t["attention"] for t in body["tiles"]}
    assert shown == {"appointments": {"count": 0, "text": "No upcoming appointments"},
                     "messages": {"count": 2, "text": "2 unread messages"},
                     "forms": {"count": 1, "text": "1 form to fill in"}}

    # Submitting the form closes it: the tile says so at once.
    request_id = r.json()["form_request"]["request_id"]
    submit = f"{PP}/P101/form-requests/{request_id}/submit"
    assert person.post(submit, json={"answers": CONSENT_ANSWERS}).status == 200
    assert tiles(person, "P101")["forms"] == "Nothing new"
    # Submitting it again changes no count (the decrement is conditional on the request being open).
    r = person.post(submit, json={"answers": CONSENT_ANSWERS})
    assert r.status == 409
    assert home(person, "P101").json()["tiles"][2]["attention"]["count"] == 0


def test_cancelling_a_form_request_takes_it_off_the_tile(rita):
    staff, person = rita
    account = rita_account(staff, "P101")
    base = f"/api/clinics/SUNRISE/portal-accounts/{account}/form-requests"
    ids = [request_form(staff, account, name).json()["form_request"]["request_id"] for name in ("A", "B")]
    assert tiles(person, "P101")["forms"] == "2 forms to fill in"
    assert staff.post(f"{base}/{ids[0]}/cancel").status == 200
    assert staff.post(f"{base}/{ids[0]}/cancel").status == 409   # already closed: no second decrement
    assert tiles(person, "P101")["forms"] == "1 form to fill in"


# ---------------------------------------------------------------- who may see it

def test_another_patient_or_clinic_is_no_patient_access(rita):
    _staff, person = rita
    for pid in ("P100", "P999", "L100", "..%2Fx"):
        r = person.get(f"{PP}/{pid}/home")
        assert r.status == 403 and r.json()["error"] == "no_patient_access", (pid, r.text)


def test_staff_have_no_patient_home_and_patients_no_workspace(gateway, rita):
    staff, person = rita
    r = staff.get(f"{PP}/P101/home")
    assert r.status == 403 and r.json()["error"] == "forbidden"
    r = person.get(WORKSPACE)
    assert r.status == 403 and r.json()["error"] == "forbidden"
    r = lakeside_admin(gateway).get(WORKSPACE)
    assert r.status == 403 and r.json()["error"] == "wrong_clinic"
    assert gateway.browser().get(WORKSPACE).status == 401
    assert gateway.browser().get(f"{PP}/P101/home").status == 401


def test_a_pending_password_change_comes_first(gateway, rita):
    from chalicelib.models import PortalAccountModel as M

    _staff, person = rita
    (login_item,) = [a for a in M.scan() if a.username == "rep@example.com"]
    login_item.update(actions=[M.force_password_change.set(True)])
    r = person.get(f"{PP}/P101/home")
    assert r.status == 403 and r.json()["error"] == "password_change_required"


# ---------------------------------------------------------------- the staff workspace

def test_the_workspace_shows_what_waits_for_this_staff_member(gateway, seeded):
    from chalicelib.models import SessionModel

    frank = desk(gateway)
    ravi = clinician(gateway)
    frank_id = next(s.subject_id for s in SessionModel.scan() if s.username == "SmithF")
    body = frank.get(WORKSPACE).json()
    assert [(i["key"], i["label"], i["href"], i["count"], i["text"]) for i in body["items"]] == [
        ("messages_unassigned", "Unassigned conversations waiting", "/inbox?box=unassigned", 0, "Nothing waiting"),
        ("messages_mine", "Assigned to you, unread", "/inbox?box=mine", 0, "Nothing waiting"),
        ("forms_submitted", "Forms awaiting review", "/forms-review", 0, "Nothing waiting"),
        ("appointment_requests", "Appointment requests waiting", "/appointment-requests", 0, "Nothing waiting"),
        ("refills_requested", "Refill requests waiting", "/refill-requests", 0, "Nothing waiting"),
    ]
    write(lambda tx: counters.bump(tx, CK, {counters.CLINIC: {"messages_unassigned_unread": 3, "forms_submitted": 1,
                                                              "refills_requested": 2},
                                            counters.staff(frank_id): {"messages_assigned_unread": 2}}))
    counts = {i["key"]: (i["count"], i["text"]) for i in frank.get(WORKSPACE).json()["items"]}
    assert counts == {"messages_unassigned": (3, "3 conversations"), "messages_mine": (2, "2 conversations"),
                      "forms_submitted": (1, "1 form"), "appointment_requests": (0, "Nothing waiting"),
                      "refills_requested": (2, "2 requests")}
    # Frank's own queue is his: Ravi sees the clinic's, not Frank's.
    counts = {i["key"]: i["count"] for i in ravi.get(WORKSPACE).json()["items"]}
    assert counts == {"messages_unassigned": 3, "messages_mine": 0, "forms_submitted": 1, "refills_requested": 2}


def test_the_workspace_lists_only_what_the_permissions_open(gateway, seeded):
    from chalicelib.models import SessionModel

    frank = desk(gateway)
    (session,) = [s for s in SessionModel.scan() if s.username == "SmithF"]
    session.update(actions=[SessionModel.permissions.set(["patients.view", "forms.review"])])
    assert [i["key"] for i in frank.get(WORKSPACE).json()["items"]] == ["forms_submitted"]
    session.update(actions=[SessionModel.permissions.set(["patients.view"])])
    assert frank.get(WORKSPACE).json() == {"items": []}


# ---------------------------------------------------------------- self-refresh: one request, 304

@pytest.mark.parametrize("background", [False, True], ids=["foreground", "background"])
def test_a_poll_is_one_dynamodb_request_and_304_while_nothing_changed(rita, aws_calls, background):
    _staff, person = rita
    headers = BACKGROUND if background else {}
    aws_calls.reset()
    first = person.get(f"{PP}/P101/home", headers=headers)
    assert first.status == 200 and aws_calls.count("dynamodb") == 1
    assert aws_calls.count("dynamodb", "TransactGetItems") == 1
    etag = first.header("ETag")
    assert etag.startswith('W/"')

    aws_calls.reset()
    again = person.get(f"{PP}/P101/home", headers={**headers, "If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.header("ETag") == etag
    assert aws_calls.count("dynamodb") == 1

    bump(counters.grant("unrelated"), forms_open=1)   # someone else's count: still 304
    assert person.get(f"{PP}/P101/home", headers={**headers, "If-None-Match": etag}).status == 304

    bump(counters.patient("P101"), messages_unread=1)
    aws_calls.reset()
    changed = person.get(f"{PP}/P101/home", headers={**headers, "If-None-Match": etag})
    assert changed.status == 200 and changed.header("ETag") != etag
    assert aws_calls.count("dynamodb") == 1
    assert changed.json()["tiles"][1]["attention"]["text"] == "1 unread message"


def test_each_patient_has_its_own_etag(rita):
    _staff, person = rita
    ben = home(person, "P101").header("ETag")
    cara = person.get(f"{PP}/P102/home", headers={"If-None-Match": ben})
    assert cara.status == 200 and cara.header("ETag") != ben


def test_the_workspace_poll_is_one_request_and_304_until_its_counts_change(gateway, seeded, aws_calls):
    frank = desk(gateway)
    aws_calls.reset()
    first = frank.get(WORKSPACE, headers=BACKGROUND)
    assert first.status == 200 and aws_calls.count("dynamodb") == 1
    etag = first.header("ETag")
    aws_calls.reset()
    assert frank.get(WORKSPACE, headers={**BACKGROUND, "If-None-Match": etag}).status == 304
    assert aws_calls.count("dynamodb") == 1
    bump(counters.patient("P100"), messages_unread=1)   # the patient side's count: not Frank's
    assert frank.get(WORKSPACE, headers={"If-None-Match": etag}).status == 304
    bump(counters.CLINIC, forms_submitted=1)
    r = frank.get(WORKSPACE, headers={"If-None-Match": etag})
    assert r.status == 200 and r.json()["items"][2]["count"] == 1


# ---------------------------------------------------------------- background polls and the idle timeout

@pytest.mark.parametrize("path", [f"{PP}/P100/home", WORKSPACE], ids=["patient-home", "workspace"])
def test_background_polls_do_not_keep_an_idle_session_alive(gateway, seeded, clock, path):
    person = patient(gateway) if "portal" in path else desk(gateway)
    etag = person.get(path).header("ETag")
    for _ in range(31 * 4):   # a page left open, polling every 15 s for 31 minutes
        clock.advance(15)
        r = person.get(path, headers={**BACKGROUND, "If-None-Match": etag})
        if r.status == 401:
            break
        assert r.status == 304
    assert r.status == 401 and r.json()["error"] == "session_expired"
    assert person.get("/api/me").status == 401   # ended for every page, not just the poll


def test_a_foreground_request_does_keep_the_session_alive(gateway, seeded, clock):
    ann = patient(gateway)
    for _ in range(31 * 4):
        clock.advance(15)
        assert ann.get(f"{PP}/P100/home").status == 200
    assert ann.get("/api/me").status == 200


# ---------------------------------------------------------------- DynamoDB unavailable

@pytest.mark.parametrize("kind", ["throttle", "server_error", "timeout"])
def test_a_poll_when_dynamodb_fails_is_a_503_not_a_sign_out(gateway, seeded, kind):
    from tests.faults import Faults

    ann, frank = patient(gateway), desk(gateway)
    with Faults() as faults:
        for browser, path in ((ann, f"{PP}/P100/home"), (frank, WORKSPACE)):
            with faults.armed(fail_at=1, kind=kind) as run:
                r = browser.get(path, headers=BACKGROUND)
            assert run.failed == ("dynamodb", "TransactGetItems")
            assert r.status == 503 and r.header("Retry-After") == "5", r.text
            assert browser.get(path).status == 200   # still signed in
