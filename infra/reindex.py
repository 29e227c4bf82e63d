"""Rewrite one clinic's search keys: patients' `name_key` / `first_key` and their
access grants' `patient_*_key` (and the grants' copy of the patient's name), as
`chalicelib.core.search_keys` computes them now.

For data written before the keys were folded and copied onto grants (issue 10,
search): `python -m infra.admin [--stage prod] reindex-search --clinic-id SUNRISE`.
It reads the clinic's patients with Queries on the table's own partition (a
maintenance path, never a request's) and updates only the items whose keys
differ, each conditional on the revision it read (a record changed meanwhile is
skipped and counted: run it again). Running it twice changes nothing the second time.
"""
from __future__ import annotations


def reindex_clinic(clinic_key: str) -> dict:
    """Returns counts: patients and grants rewritten, and skipped (changed meanwhile)."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.core.db import is_conditional_failure
    from chalicelib.models import AccessGrantModel as G
    from chalicelib.models import PatientModel as P
    from chalicelib.patients.records import name_keys
    from chalicelib.portal_accounts.grants import of_patient

    counts = {"patients": 0, "grants": 0, "skipped": 0}

    def update(item, model, actions) -> bool:
        condition = (model.revision == item.revision) if item.revision is not None else model.revision.does_not_exist()
        try:
            item.update(actions=actions, condition=condition)
            return True
        except UpdateError as exc:
            if not is_conditional_failure(exc):
                raise
            counts["skipped"] += 1
            return False

    for patient in P.query(clinic_key):
        keys = name_keys(patient.last_name, patient.first_name, patient.patient_id)
        if any(getattr(patient, name) != value for name, value in keys.items()):
            counts["patients"] += update(patient, P, [getattr(P, n).set(v) for n, v in keys.items()])
        for grant in of_patient(clinic_key, patient.patient_id):
            values = {"patient_first_name": patient.first_name, "patient_last_name": patient.last_name,
                      **grant.search_keys(patient.first_name, patient.last_name)}
            if any(getattr(grant, name) != value for name, value in values.items()):
                counts["grants"] += update(grant, G, [getattr(G, n).set(v) for n, v in values.items()])
    return counts
