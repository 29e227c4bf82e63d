"""The Appointments part of a seed file: `appointments` and `appointment_requests`.

    "appointments": [{"clinic_id", "patient_id", "provider" (a clinician's username),
                      "day" (days from today, UTC: 0 today, -1 yesterday) and "time" ("HH:MM", UTC)
                      or "start" (UTC ISO 8601), "minutes", "reason"?, "location"?,
                      "video_link"?, "status"? (booked, arrived, fulfilled, noshow, cancelled)}]
    "appointment_requests": [{"clinic_id", "patient_id", "username" (a portal account
                              of that patient with `appointments`), "reason", "preferred"?}]

`day` + `time` keep a demo's week of schedule around the day it is loaded. Everything
goes through the Appointments use cases (as "Seed data"), so slot claims, counters and
audit events are what the portal itself would have written; two appointments of one
provider that overlap are refused when the seed is checked.
"""
from __future__ import annotations

from types import SimpleNamespace

STR, INT = str, int
SCHEMA = {
    "appointments": {"required": {"clinic_id": STR, "patient_id": STR, "provider": STR, "minutes": INT},
                     "optional": {"day": INT, "time": STR, "start": STR, "reason": STR, "location": STR,
                                  "video_link": STR, "status": STR}},
    "appointment_requests": {"required": {"clinic_id": STR, "patient_id": STR, "username": STR, "reason": STR},
                             "optional": {"preferred": STR}},
}


def _start(e: dict, today: str) -> str:
    from chalicelib.sections.appointments.times import add_days, parse_start

    if "start" in e:
        return parse_start("start", e["start"])
    return parse_start("time", f"{add_days(today, e['day'])}T{e['time']}:00Z")


def validate(out: dict, error) -> None:
    from chalicelib.api.appointment_bodies import HttpsLink, Minutes
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.core.ids import normalize_key, now
    from chalicelib.sections.appointments import PROVIDER_ROLE, STATUSES
    from chalicelib.sections.appointments.times import slots, today

    clinicians = {(s["clinic_id"], normalize_key(s["username"])) for s in out["staff"]
                  if PROVIDER_ROLE in s["roles"]}
    patients = {(p["clinic_id"], p["patient_id"]) for p in out["patients"]}
    taken: dict = {}
    day0 = today(now())
    for i, e in enumerate(out["appointments"]):
        where = f"appointments[{i}]"
        if ("start" in e) == ("day" in e or "time" in e) or ("start" not in e and ("day" not in e or "time" not in e)):
            raise error(f"{where}: give either start, or day and time")
        try:
            e["start_at"] = _start(e, day0)
            Minutes()("minutes", e["minutes"])
            if "video_link" in e:
                HttpsLink()("video_link", e["video_link"])
        except InvalidRequest as exc:
            raise error(f"{where}: {exc.message}") from None
        if (e["clinic_id"], normalize_key(e["provider"])) not in clinicians:
            raise error(f"{where}: provider {e['provider']!r} is not a clinician of the seed's staff")
        if (e["clinic_id"], e["patient_id"]) not in patients:
            raise error(f"{where}: patient {e['patient_id']!r} is not among the seed's patients")
        if e.get("status", "booked") not in STATUSES:
            raise error(f"{where}: status must be one of {', '.join(STATUSES)}")
        if e.get("status") != "cancelled":
            for s in slots(e["start_at"], e["minutes"]):
                key = (e["clinic_id"], normalize_key(e["provider"]), s)
                if key in taken:
                    raise error(f"{where}: overlaps appointments[{taken[key]}] of the same provider")
                taken[key] = i
    accounts = {(a["clinic_id"], normalize_key(a["username"]), a["patient_id"]): a for a in out["portal_accounts"]}
    for i, r in enumerate(out["appointment_requests"]):
        a = accounts.get((r["clinic_id"], normalize_key(r["username"]), r["patient_id"]))
        if a is None or "appointments" not in a["permissions"]:
            raise error(f"appointment_requests[{i}]: no portal_accounts entry for {r['username']!r} and patient "
                        f"{r['patient_id']!r} with the appointments permission")


def load(seed: dict, grants: dict) -> None:
    """Write the appointments and requests. `grants`: {(clinic_key, username key, patient_id): (login, grant)}."""
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.audit import RequestInfo
    from chalicelib.core.ids import normalize_key
    from chalicelib.sections.appointments import booking, requests

    info = RequestInfo()
    for e in seed["appointments"]:
        ck = clinic_key(e["clinic_id"])
        staff = SimpleNamespace(kind="staff", username="seed", display_name="Seed data", clinic_key=ck)
        clinic = SimpleNamespace(clinic_key=ck)
        item = booking.book(staff, clinic, patient_id=e["patient_id"], provider=e["provider"],
                            start=e["start_at"], minutes=e["minutes"], reason=e.get("reason"),
                            location=e.get("location"), video_link=e.get("video_link"), force=False, info=info)
        status = e.get("status", "booked")
        if status == "cancelled":
            booking.cancel(staff, ck, item.appointment_id, note=None, info=info)
        elif status != "booked":
            booking.set_status(staff, clinic, item.appointment_id, status, revision=None, info=info)
    for r in seed["appointment_requests"]:
        ck = clinic_key(r["clinic_id"])
        login, grant = grants[(ck, normalize_key(r["username"]), r["patient_id"])]
        person = SimpleNamespace(kind="patient", username=login.username, subject_id=login.account_id,
                                 clinic_key=ck, display_name=None)
        requests.create(person, grant, reason=r["reason"], preferred=r.get("preferred"), info=info)
