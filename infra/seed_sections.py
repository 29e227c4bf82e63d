"""The Refills and Billing parts of a seed file: `medications` and `statements`.

    "medications": [{"clinic_id", "patient_id", "name", "dose"?, "instructions"?,
                     "prescriber"?, "refills_left"? (0), "active"? (true)}]
    "statements":  [{"clinic_id", "patient_id", "statement_date", "due_date",
                     "lines": [{"service_date", "description", "charge_cents"?,
                                "payment_cents"?, "adjustment_cents"?}],
                     "payments"?: [{"amount_cents", "received_date", "description"?}]}]

Amounts are integer cents. Everything goes through the sections' use cases (as "Seed
data"), so the records, the patient's balance on its counter and the audit events are
what the portal itself would have written; checked by the same rules as the API's.
"""
from __future__ import annotations

from types import SimpleNamespace

STR, BOOL, LIST, INT = str, bool, list, int
SCHEMA = {
    "medications": {"required": {"clinic_id": STR, "patient_id": STR, "name": STR},
                    "optional": {"dose": STR, "instructions": STR, "prescriber": STR, "refills_left": INT,
                                 "active": BOOL}},
    "statements": {"required": {"clinic_id": STR, "patient_id": STR, "statement_date": STR, "due_date": STR,
                                "lines": LIST},
                   "optional": {"payments": LIST}},
}


def validate(out: dict, error) -> None:
    """Checks beyond the shapes: the patient is in the seed, amounts and dates are the API's."""
    from chalicelib.api.billing_bodies import CreateStatementBody, RecordPaymentBody
    from chalicelib.api.refill_bodies import AddMedicationBody
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.sections.billing.lines import balance

    patients = {(clinic_key(p["clinic_id"]), p["patient_id"]) for p in out["patients"]}
    for section in ("medications", "statements"):
        for i, e in enumerate(out[section]):
            where = f"{section}[{i}]"
            if (clinic_key(e["clinic_id"]), e["patient_id"]) not in patients:
                raise error(f"{where}: patient {e['patient_id']!r} is not among the seed's patients")
            try:
                if section == "medications":
                    fields = {k: v for k, v in e.items() if k not in ("clinic_id", "patient_id", "active")}
                    AddMedicationBody.from_json(fields)
                else:
                    body = CreateStatementBody.from_json({k: e[k] for k in ("statement_date", "due_date", "lines")})
                    left = balance(body.lines)
                    for p in e.get("payments") or []:
                        paid = RecordPaymentBody.from_json(p)
                        left -= paid.amount_cents
                        if left < 0:
                            raise InvalidRequest("the payments are more than the statement's balance")
            except InvalidRequest as exc:
                raise error(f"{where}: {exc.message}") from None


def load(seed: dict) -> None:
    from chalicelib.api.billing_bodies import CreateStatementBody
    from chalicelib.api.refill_bodies import AddMedicationBody
    from chalicelib.clinics.records import get_clinic
    from chalicelib.core.audit import RequestInfo
    from chalicelib.sections.billing import statements
    from chalicelib.sections.refills import medications

    info = RequestInfo()
    staff = SimpleNamespace(kind="staff", username="seed", display_name="Seed data")
    for m in seed["medications"]:
        clinic = get_clinic(m["clinic_id"])
        fields = {k: v for k, v in m.items() if k not in ("clinic_id", "patient_id", "active")}
        values = AddMedicationBody.from_json(fields).sent()
        values.setdefault("refills_left", 0)
        item = medications.add(staff, clinic, m["patient_id"], values, info)
        if m.get("active") is False:
            medications.change(staff, clinic, m["patient_id"], item.medication_id, {"active": False}, info,
                               revision=None)
    for s in seed["statements"]:
        clinic = get_clinic(s["clinic_id"])
        body = CreateStatementBody.from_json({k: s[k] for k in ("statement_date", "due_date", "lines")})
        item = statements.create(staff, clinic, s["patient_id"], statement_date=body.statement_date,
                                 due_date=body.due_date, lines=body.lines, info=info)
        for p in s.get("payments") or []:
            statements.record_payment(staff, clinic, s["patient_id"], item.statement_id,
                                      amount_cents=p["amount_cents"], received_date=p["received_date"],
                                      description=p.get("description"), info=info, revision=None)
