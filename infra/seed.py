"""Seed files: validate everything first, then load it; a bad entry loads nothing.

Format: see README ("Seed files"); the Forms part (`form_templates`,
`form_requests`): infra/seed_forms.py. A `portal_accounts` entry is today's shape (one
login x one patient): each maps to a login (one per username, per clinic) and an
access grant for its patient. Entries that share a username become one login with
several grants (the first entry's names, password and status make the login; a
later entry's `enabled: false` disables only its grant). An entry may carry
`expires_on` (YYYY-MM-DD). A patient has at most one `self` entry. Seed passwords are hashed on load and need
not meet the password policy (they are demo or migration data).
"""
from __future__ import annotations

import json

from chalicelib.clinics.records import CLINIC_ID_RE, clinic_key, validate_settings
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import normalize_key
from chalicelib.core.limits import PATIENT_ID_RE, STAFF_USERNAME_RE
from chalicelib.portal_accounts.records import ACCESS_TYPES, EMAIL_RE, PORTAL_SECTIONS
from chalicelib.staff.roles import ROLES
from infra.seed_appointments import SCHEMA as SEED_APPOINTMENTS
from infra.seed_documents import SCHEMA as SEED_DOCUMENTS
from infra.seed_forms import SCHEMA as SEED_FORMS
from infra.seed_sections import SCHEMA as SEED_SECTIONS


class SeedError(ValueError):
    pass


STR, BOOL, LIST, DICT = str, bool, list, dict
SCHEMA = {
    "clinics": {"required": {"clinic_id": STR, "name": STR}, "optional": {"settings": DICT}},
    "staff": {"required": {"clinic_id": STR, "username": STR, "password": STR, "first_name": STR,
                           "last_name": STR, "roles": LIST},
              "optional": {"email": STR, "portal_access": BOOL, "force_password_change": BOOL}},
    "patients": {"required": {"clinic_id": STR, "patient_id": STR, "first_name": STR, "last_name": STR},
                 "optional": {"email": STR, "date_of_birth": STR, "phone": STR, "address_line1": STR,
                              "address_line2": STR, "city": STR, "region": STR, "postal_code": STR}},
    "portal_accounts": {"required": {"clinic_id": STR, "patient_id": STR, "username": STR,
                                     "first_name": STR, "last_name": STR, "access_type": STR},
                        "optional": {"password": STR, "force_password_change": BOOL,
                                     "permissions": LIST, "enabled": BOOL, "expires_on": STR}},
    "conversations": {"required": {"clinic_id": STR, "patient_id": STR, "topic": STR, "subject": STR,
                                   "messages": LIST},
                      "optional": {"assigned_to": STR, "status": STR}},
}
SCHEMA.update(SEED_FORMS)
SCHEMA.update(SEED_APPOINTMENTS)
SCHEMA.update(SEED_DOCUMENTS)
SCHEMA.update(SEED_SECTIONS)


def _check_entry(section: str, index: int, entry: object) -> dict:
    where = f"{section}[{index}]"
    if not isinstance(entry, dict):
        raise SeedError(f"{where}: must be an object")
    spec = SCHEMA[section]
    fields = {**spec["required"], **spec["optional"]}
    for key in entry:
        if key not in fields:
            raise SeedError(f"{where}: unknown key {key!r}")
    for key in spec["required"]:
        if key not in entry:
            raise SeedError(f"{where}: missing {key!r}")
    for key, value in entry.items():
        kind = fields[key]
        if not isinstance(value, kind) or (kind is str and not value.strip()):
            raise SeedError(f"{where}: {key!r} must be a {'non-empty text' if kind is str else kind.__name__}")
    return entry


def validate(data: object) -> dict:
    """Check the whole seed; returns it with defaults filled, or raises SeedError."""
    if not isinstance(data, dict):
        raise SeedError("the seed must be a JSON object")
    for key in data:
        if key not in SCHEMA:
            raise SeedError(f"unknown key {key!r} at the top level")
    out = {section: [] for section in SCHEMA}
    clinics, patients, staff_names, grants, selves = set(), set(), set(), set(), set()
    for section in SCHEMA:
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise SeedError(f"{section}: must be a list")
        for i, raw in enumerate(entries):
            e = dict(_check_entry(section, i, raw))
            where = f"{section}[{i}]"
            ck = clinic_key(e["clinic_id"])
            if section == "clinics":
                if not CLINIC_ID_RE.fullmatch(e["clinic_id"]):
                    raise SeedError(f"{where}: clinic_id {e['clinic_id']!r} is not a valid Clinic ID")
                if ck in clinics:
                    raise SeedError(f"{where}: clinic {e['clinic_id']!r} appears twice")
                try:
                    e["settings"] = validate_settings(e.get("settings", {}), where=f"{where}.settings")
                except InvalidRequest as exc:
                    raise SeedError(exc.message) from None
                clinics.add(ck)
            elif ck not in clinics:
                raise SeedError(f"{where}: clinic {e['clinic_id']!r} is not among the seed's clinics")
            if section == "staff":
                if not STAFF_USERNAME_RE.fullmatch(e["username"]):
                    raise SeedError(f"{where}: username {e['username']!r} is not a valid staff username")
                bad = [r for r in e["roles"] if r not in ROLES] or ([] if e["roles"] else ["(none)"])
                if bad:
                    raise SeedError(f"{where}: unknown role {bad[0]!r}")
                key = (ck, normalize_key(e["username"]))
                if key in staff_names:
                    raise SeedError(f"{where}: staff username {e['username']!r} appears twice")
                staff_names.add(key)
                e.setdefault("portal_access", True)
                e.setdefault("force_password_change", False)
                e.setdefault("email", None)
            if section == "patients":
                if not PATIENT_ID_RE.fullmatch(e["patient_id"]):
                    raise SeedError(f"{where}: patient_id {e['patient_id']!r} is not valid")
                if (ck, e["patient_id"]) in patients:
                    raise SeedError(f"{where}: patient {e['patient_id']!r} appears twice")
                patients.add((ck, e["patient_id"]))
                e.setdefault("email", None)
                e.setdefault("date_of_birth", None)
                e.update(_patient_contact(where, e))
            if section == "portal_accounts":
                if (ck, e["patient_id"]) not in patients:
                    raise SeedError(f"{where}: patient {e['patient_id']!r} is not among the seed's patients")
                if not EMAIL_RE.fullmatch(e["username"]):
                    raise SeedError(f"{where}: username {e['username']!r} is not an email address")
                if e["access_type"] not in ACCESS_TYPES:
                    raise SeedError(f"{where}: access_type must be one of {', '.join(ACCESS_TYPES)}")
                bad = [p for p in e.get("permissions", []) if p not in PORTAL_SECTIONS]
                if bad:
                    raise SeedError(f"{where}: unknown permission {bad[0]!r}")
                key = (ck, normalize_key(e["username"]), e["patient_id"])
                if key in grants:
                    raise SeedError(f"{where}: username {e['username']!r} appears twice for patient "
                                    f"{e['patient_id']!r}")
                grants.add(key)
                if e["access_type"] == "self":
                    if (ck, e["patient_id"]) in selves:
                        raise SeedError(f"{where}: patient {e['patient_id']!r} has two self accounts")
                    selves.add((ck, e["patient_id"]))
                if "expires_on" in e and not _is_date(e["expires_on"]):
                    raise SeedError(f"{where}: expires_on must be a date written YYYY-MM-DD")
                e.setdefault("expires_on", None)
                e.setdefault("permissions", list(PORTAL_SECTIONS) if e["access_type"] == "self" else [])
                e.setdefault("force_password_change", False)
                e.setdefault("enabled", True)
            if section == "conversations":
                from infra import seed_messages

                clinic = next(c for c in out["clinics"] if clinic_key(c["clinic_id"]) == ck)
                topics = tuple(clinic["settings"].get("message_topics") or _default_topics())
                e = seed_messages.check(where, e, patients=patients, staff=staff_names, clinic_key=ck,
                                        topics=topics, error=SeedError)
            out[section].append(e)
    from infra import seed_forms

    seed_forms.validate(out, SeedError)
    from infra import seed_appointments

    seed_appointments.validate(out, SeedError)
    from infra import seed_documents

    seed_documents.validate(out, SeedError)
    from infra import seed_sections

    seed_sections.validate(out, SeedError)
    return out


def _default_topics() -> tuple:
    from chalicelib.clinics.records import ClinicSettings

    return ClinicSettings().message_topics


def _patient_contact(where: str, entry: dict) -> dict:
    """A patient's phone and address fields, checked and normalized as the API does."""
    from chalicelib.api.bodies import CreatePatientBody
    from chalicelib.patients.records import OPTIONAL

    out = {}
    specs = CreatePatientBody.specs()
    for name in OPTIONAL:
        if name == "email" or name not in entry:
            continue
        parser, _ = specs[name]
        try:
            value = parser(name, entry[name])
        except InvalidRequest as exc:
            raise SeedError(f"{where}: {exc.message}") from None
        if value is not None:
            out[name] = value
    return out


def _is_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _already_there(seed: dict) -> str | None:
    from chalicelib.models import ClinicModel

    for c in seed["clinics"]:
        try:
            ClinicModel.get(clinic_key(c["clinic_id"]))
            return f"clinic {c['clinic_id']!r} already exists"
        except ClinicModel.DoesNotExist:
            pass
    return None


def load(data: object, *, into: tuple[str, ...] = ()) -> dict:
    """Validate, then write. Returns counts per section. `into` names clinics of the
    seed's `clinics` that exist already (the bench adds to one): used to check the
    seed, not created again."""
    from chalicelib.auth.passwords import hash_password
    from chalicelib.clinics.records import create_clinic
    from chalicelib.patients.records import OPTIONAL as PATIENT_OPTIONAL
    from chalicelib.patients.records import new_patient_item
    from chalicelib.staff.records import new_staff_item, save_new_staff

    seed = validate(data)
    new_clinics = [c for c in seed["clinics"] if c["clinic_id"] not in into]
    problem = _already_there({"clinics": new_clinics})
    if problem:
        raise SeedError(problem)
    for c in new_clinics:
        create_clinic(c["clinic_id"], c["name"], c["settings"])
    for s in seed["staff"]:
        save_new_staff(new_staff_item(
            clinic_key(s["clinic_id"]), username=s["username"], first_name=s["first_name"],
            last_name=s["last_name"], email=s["email"], roles=sorted(set(s["roles"])),
            portal_access=s["portal_access"], password_hash=hash_password(s["password"]),
            force_password_change=s["force_password_change"]))
    for p in seed["patients"]:
        contact = {name: p[name] for name in PATIENT_OPTIONAL if name != "email" and name in p}
        new_patient_item(clinic_key(p["clinic_id"]), patient_id=p["patient_id"], first_name=p["first_name"],
                         last_name=p["last_name"], email=p["email"], date_of_birth=p["date_of_birth"],
                         **contact).save()
    patients = {(clinic_key(p["clinic_id"]), p["patient_id"]): p for p in seed["patients"]}
    logins: dict = {}
    grants = {}
    for a in seed["portal_accounts"]:
        ck = clinic_key(a["clinic_id"])
        grants[(ck, normalize_key(a["username"]), a["patient_id"])] = _load_account(a, patients, logins)
    from infra import seed_forms

    seed_forms.load(seed, grants)
    _load_conversations(seed)
    from infra import seed_appointments

    seed_appointments.load(seed, grants)
    from infra import seed_documents

    seed_documents.load(seed)
    from infra import seed_sections

    seed_sections.load(seed)
    return {section: len(entries) for section, entries in seed.items()}


def _load_account(a: dict, patients: dict, logins: dict):
    """One `portal_accounts` entry: a login (new, or the one an earlier entry with
    the same username made) and its grant for the entry's patient. Returns (login, grant)."""
    from types import SimpleNamespace

    from chalicelib.auth.passwords import hash_password
    from chalicelib.core.records import write
    from chalicelib.models import PortalAccountModel as M
    from chalicelib.portal_accounts import grants
    from chalicelib.portal_accounts.records import claim_condition, new_account_items

    ck = clinic_key(a["clinic_id"])
    p = patients[(ck, a["patient_id"])]
    patient = SimpleNamespace(patient_id=p["patient_id"], first_name=p["first_name"], last_name=p["last_name"])
    key = (ck, normalize_key(a["username"]))
    login = logins.get(key)
    new = login is None
    if new:
        password = a.get("password")
        status = ("active" if password else "invited") if a["enabled"] else "disabled"
        login, claim = new_account_items(
            ck, username=a["username"], first_name=a["first_name"], last_name=a["last_name"],
            force_password_change=a["force_password_change"],
            password_hash=hash_password(password) if password else None, status=status)
        logins[key] = login
    grant = grants.new_grant(login, patient, access_type=a["access_type"], permissions=a["permissions"],
                             expires_on=a["expires_on"], at=login.created_at)
    if not new and not a["enabled"]:
        grant.status = "disabled"
        grant.status_key = grant.status_key_for("disabled", grant.login_status)

    def build(tx):
        if new:
            tx.save("account", login)
            tx.save("claim", claim, condition=claim_condition())
        else:
            tx.update("account", login, actions=[M.grant_count.add(1)])
        tx.save("grant", grant)
        if a["access_type"] == "self":
            grants.save_self_claim(tx, grants.self_claim(ck, patient.patient_id, grant.grant_id))

    write(build)
    if not new:
        login.grant_count += 1
    return login, grant


def _load_conversations(seed: dict) -> None:
    from infra import seed_messages

    staff = {}
    for s in seed["staff"]:
        staff.setdefault(clinic_key(s["clinic_id"]), {})[normalize_key(s["username"])] = s
    for c in seed["conversations"]:
        ck = clinic_key(c["clinic_id"])
        patient = next(p for p in seed["patients"]
                       if clinic_key(p["clinic_id"]) == ck and p["patient_id"] == c["patient_id"])
        selves = [a for a in seed["portal_accounts"] if clinic_key(a["clinic_id"]) == ck
                  and a["patient_id"] == c["patient_id"] and a["access_type"] == "self"]
        name = f"{selves[0]['first_name']} {selves[0]['last_name']}" if selves else None
        seed_messages.load(c, clinic_key=ck, patient=patient, staff=staff.get(ck, {}), patient_side_name=name)


def load_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise SeedError(f"{path} is not valid JSON: {exc}") from None
    return load(data)
