"""The Forms part of a seed file: `form_templates` and `form_requests`.

    "form_templates": [{"clinic_id", "name", "description"?, "fields": [...]}]
    "form_requests":  [{"clinic_id", "patient_id", "username", "template" (a template's name),
                        "note"?, "due_date"?, "draft"? {answers}, "answers"? {answers},
                        "reviewed"? true}]

A request names the portal account (`username`) and patient of a `portal_accounts`
entry whose permissions hold `forms`. `draft` saves partial answers; `answers`
submits the form; `reviewed` marks it reviewed. Everything goes through the Forms
use cases (as "Seed data"), so the templates, requests, counts and audit events are
what the portal itself would have written; template fields and answers are checked
by the same rules as the API's.
"""
from __future__ import annotations

from types import SimpleNamespace

STR, BOOL, LIST, DICT = str, bool, list, dict
SCHEMA = {
    "form_templates": {"required": {"clinic_id": STR, "name": STR, "fields": LIST},
                       "optional": {"description": STR}},
    "form_requests": {"required": {"clinic_id": STR, "patient_id": STR, "username": STR, "template": STR},
                      "optional": {"note": STR, "due_date": STR, "draft": DICT, "answers": DICT,
                                   "reviewed": BOOL}},
}
INFO = None


def validate(out: dict, error) -> None:
    """Checks beyond the shapes (`infra.seed.validate` checked those and the clinics)."""
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.core.ids import normalize_key
    from chalicelib.sections.forms.validation import check_answers, check_fields

    templates = {}
    for i, t in enumerate(out["form_templates"]):
        where = f"form_templates[{i}]"
        try:
            t["fields"] = check_fields(t["fields"])
        except InvalidRequest as exc:
            raise error(f"{where}: {exc.message}") from None
        key = (t["clinic_id"], t["name"])
        if key in templates:
            raise error(f"{where}: template {t['name']!r} appears twice")
        templates[key] = t
    accounts = {(a["clinic_id"], normalize_key(a["username"]), a["patient_id"]): a for a in out["portal_accounts"]}
    for i, r in enumerate(out["form_requests"]):
        where = f"form_requests[{i}]"
        t = templates.get((r["clinic_id"], r["template"]))
        if t is None:
            raise error(f"{where}: template {r['template']!r} is not among the seed's form_templates")
        a = accounts.get((r["clinic_id"], normalize_key(r["username"]), r["patient_id"]))
        if a is None or "forms" not in a["permissions"]:
            raise error(f"{where}: no portal_accounts entry for {r['username']!r} and patient "
                        f"{r['patient_id']!r} with the forms permission")
        for name, complete in (("draft", False), ("answers", True)):
            if name in r:
                try:
                    check_answers(t["fields"], r[name], complete=complete)
                except InvalidRequest as exc:
                    raise error(f"{where}.{name}: {exc.message}") from None
        if r.get("reviewed") and "answers" not in r:
            raise error(f"{where}: only a form with answers can be reviewed")


def load(seed: dict, grants: dict) -> None:
    """Write the forms. `grants`: {(clinic_key, username key, patient_id): (login, grant)}."""
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.audit import RequestInfo
    from chalicelib.core.ids import normalize_key
    from chalicelib.sections.forms import answers, requests, review, templates

    info = RequestInfo()
    staff = SimpleNamespace(kind="staff", username="seed", display_name="Seed data")
    made = {}
    for t in seed["form_templates"]:
        clinic = SimpleNamespace(clinic_key=clinic_key(t["clinic_id"]))
        made[(t["clinic_id"], t["name"])] = templates.create_template(
            staff, clinic, name=t["name"], description=t.get("description"), fields=t["fields"], info=info)
    for r in seed["form_requests"]:
        ck = clinic_key(r["clinic_id"])
        clinic = SimpleNamespace(clinic_key=ck)
        login, grant = grants[(ck, normalize_key(r["username"]), r["patient_id"])]
        item = requests.create_request(staff, clinic, grant.grant_id,
                                       template_id=made[(r["clinic_id"], r["template"])].template_id,
                                       note=r.get("note"), due_date=r.get("due_date"), info=info)
        person = SimpleNamespace(kind="patient", username=login.username, subject_id=login.account_id,
                                 clinic_key=ck, display_name=None)
        if "draft" in r:
            answers.save_draft(person, grant, item.request_id, r["draft"], info)
        if "answers" in r:
            answers.submit(person, grant, item.request_id, r["answers"], info)
        if r.get("reviewed"):
            review.mark_reviewed(staff, clinic, item.request_id, info)
