"""Real replies of every Refills and Billing operation checked against docs/openapi.yaml:
a success reply of each, and the error codes people will meet."""
from tests.api.test_openapi import Wire, load_doc, operations
from tests.portal_helpers import desk
from tests.sections.section_world import ann

C = "/api/clinics/{clinic_id}"
MEDS = C + "/medications/{patient_id}"
Q = C + "/refill-requests"
ST = C + "/billing/{patient_id}/statements"
PP = "/api/portal/patients/{patient_id}"
PREFIXES = (C + "/medications", C + "/refill-requests", C + "/billing", PP + "/medications",
            PP + "/refill-requests", PP + "/statements")


def test_section_wire_matches_document(gateway, admin):
    w = Wire()
    person = ann(gateway, admin, "refills", "billing")
    meds, pp = "/api/clinics/SUNRISE/medications/P100", "/api/portal/patients/P100"
    r = w.check(admin.post(meds, json={"name": "Lisinopril", "dose": "10 mg", "refills_left": 1}), "POST", MEDS)
    mid = r.json()["medication"]["medication_id"]
    w.check(admin.post(meds, json={"name": ""}), "POST", MEDS, code="invalid_request")
    w.check(admin.post("/api/clinics/SUNRISE/medications/NOPE", json={"name": "X"}), "POST", MEDS,
            code="patient_not_found")
    w.check(admin.get(meds), "GET", MEDS)
    w.check(admin.patch(f"{meds}/{mid}", json={"dose": "20 mg"}, headers={"If-Match": '"0"'}), "PATCH",
            MEDS + "/{medication_id}")
    w.check(admin.patch(f"{meds}/{mid}", json={"dose": "5 mg"}, headers={"If-Match": '"0"'}), "PATCH",
            MEDS + "/{medication_id}", code="conflict")
    w.check(admin.patch(f"{meds}/{'0' * 32}", json={"dose": "5 mg"}), "PATCH", MEDS + "/{medication_id}",
            code="medication_not_found")
    w.check(person.get(f"{pp}/medications"), "GET", PP + "/medications")
    r = w.check(person.post(f"{pp}/refill-requests", json={"medication_id": mid, "pharmacy": "Main St"}), "POST",
                PP + "/refill-requests")
    rid = r.json()["refill_request"]["request_id"]
    w.check(person.post(f"{pp}/refill-requests", json={"medication_id": mid, "pharmacy": "Main St"}), "POST",
            PP + "/refill-requests", code="refill_already_requested")
    w.check(person.post(f"{pp}/refill-requests", json={"medication_id": "0" * 32, "pharmacy": "Main St"}), "POST",
            PP + "/refill-requests", code="medication_not_found")
    w.check(person.get(f"{pp}/refill-requests"), "GET", PP + "/refill-requests")
    clinic = "/api/clinics/SUNRISE"
    w.check(admin.get(f"{clinic}/refill-requests"), "GET", Q)
    w.check(admin.get(f"{clinic}/refill-requests?status=later"), "GET", Q, code="invalid_request")
    w.check(admin.get(f"{clinic}/refill-requests/{rid}"), "GET", Q + "/{request_id}")
    w.check(admin.post(f"{clinic}/refill-requests/{rid}/approve", json={}), "POST", Q + "/{request_id}/approve")
    w.check(admin.post(f"{clinic}/refill-requests/{rid}/deny", json={"note": "x"}), "POST", Q + "/{request_id}/deny",
            code="refill_request_answered")
    w.check(person.post(f"{pp}/refill-requests", json={"medication_id": mid, "pharmacy": "Main St"}), "POST",
            PP + "/refill-requests", code="no_refills_left")
    rid2 = None
    r = admin.post(meds, json={"name": "Ventolin", "refills_left": 3})
    mid2 = r.json()["medication"]["medication_id"]
    rid2 = person.post(f"{pp}/refill-requests", json={"medication_id": mid2, "pharmacy": "Main St"}).json()[
        "refill_request"]["request_id"]
    w.check(desk(gateway).post(f"{clinic}/refill-requests/{rid2}/deny", json={"note": "Book a visit"}), "POST",
            Q + "/{request_id}/deny")
    w.check(admin.post(f"{clinic}/refill-requests/{'0' * 32}/approve", json={}), "POST",
            Q + "/{request_id}/approve", code="refill_request_not_found")

    bill = f"{clinic}/billing/P100/statements"
    body = {"statement_date": "2026-12-01", "due_date": "2027-01-15",
            "lines": [{"service_date": "2026-11-02", "description": "Visit", "charge_cents": 12050}]}
    r = w.check(admin.post(bill, json=body), "POST", ST)
    sid = r.json()["statement"]["statement_id"]
    w.check(admin.post(bill, json={**body, "lines": []}), "POST", ST, code="invalid_request")
    w.check(admin.get(bill), "GET", ST)
    w.check(admin.get(f"{bill}/{sid}"), "GET", ST + "/{statement_id}")
    w.check(admin.get(f"{bill}/20260101-{'0' * 32}"), "GET", ST + "/{statement_id}", code="statement_not_found")
    w.check(admin.post(f"{bill}/{sid}/payments", json={"amount_cents": 2050, "received_date": "2026-12-02"}),
            "POST", ST + "/{statement_id}/payments")
    w.check(admin.post(f"{bill}/{sid}/payments", json={"amount_cents": 99999, "received_date": "2026-12-02"}),
            "POST", ST + "/{statement_id}/payments", code="payment_over_balance")
    w.check(admin.post(f"{bill}/{sid}/payments", json={"amount_cents": 1, "received_date": "2026-12-02"},
                       headers={"If-Match": '"0"'}), "POST", ST + "/{statement_id}/payments", code="conflict")
    w.check(person.get(f"{pp}/statements"), "GET", PP + "/statements")
    w.check(person.get(f"{pp}/statements?cursor=xyz"), "GET", PP + "/statements", code="invalid_cursor")
    w.assert_ok()

    unchecked = []
    for path, method, op, _ in operations(load_doc()):
        if path.startswith(PREFIXES):
            success = {s for s in op.get("responses", {}) if str(s).startswith("2")}
            if not any((path, method, s) in w.checked for s in success):
                unchecked.append(f"{method.upper()} {path}")
    assert not unchecked, unchecked
