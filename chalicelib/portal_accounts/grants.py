"""Access grants: what a portal login may open.

A grant is one login x one patient: `self` or `authorized_rep`, permitted
sections, its own status (active | disabled) and an optional last day
(`expires_on`, YYYY-MM-DD: from that day on it no longer works). It works only
while it is active, not expired, and its login is active; every patient-side
request reads the session, the login and the grant in one TransactGetItems
(`auth.sessions.load_patient_session`) and checks exactly that (`works`).

Dates are compared with today's date in UTC: clinics have no time zone setting
yet (when they get one, `today` is the one place to change).

A patient has at most one `self` grant: the `SelfGrantClaimModel` item for the
patient is written with `attribute_not_exists` in the same transaction.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.core.errors import Conflict, Forbidden, NotFound


def grant_id_for(login_id: str, patient_id: str) -> str:
    """A grant's id: derived from its login and patient, so (login, patient) names at
    most one grant and its key is known before it is read."""
    return hashlib.sha256(f"{login_id}#{patient_id}".encode()).hexdigest()[:32]


def today(clinic=None) -> str:
    """Today's date (UTC; see the module doc) as YYYY-MM-DD."""
    from chalicelib.core.ids import now

    return datetime.fromtimestamp(now(), tz=UTC).date().isoformat()


def expired(grant, on: str | None = None) -> bool:
    return bool(grant.expires_on) and (on or today()) >= grant.expires_on


def works(grant, login, on: str | None = None) -> bool:
    """The grant opens its patient now: active, not expired, its login active."""
    return (grant is not None and login is not None and grant.status == "active" and login.is_active
            and grant.login_id == login.account_id and not expired(grant, on))


def shown_status(grant, on: str | None = None) -> str:
    """The row status User Management shows: disabled, invited, expired or active."""
    row = grant.row_status(grant.status, grant.login_status)
    if row == "active" and expired(grant, on):
        return "expired"
    return row


def self_exists() -> Conflict:
    return Conflict("This patient already has a Self portal account. Add a representative instead, or "
                    "change the existing account.", code="self_account_exists")


def grant_exists() -> Conflict:
    return Conflict("This login already has access to this patient.", code="grant_exists")


def no_access() -> Forbidden:
    return Forbidden("You do not have access to this patient's records.", code="no_patient_access")


def self_claim(clinic_key: str, patient_id: str, grant_id: str):
    from chalicelib.models import SelfGrantClaimModel

    return SelfGrantClaimModel(f"{clinic_key}#{patient_id}", grant_id=grant_id)


def save_self_claim(tx, claim) -> None:
    from chalicelib.models import SelfGrantClaimModel

    tx.save("self_claim", claim, condition=SelfGrantClaimModel.claim_key.does_not_exist())


def delete_self_claim(tx, clinic_key: str, patient_id: str, grant_id: str) -> None:
    from chalicelib.models import SelfGrantClaimModel as C

    tx.delete("self_claim", self_claim(clinic_key, patient_id, grant_id),
              condition=(C.grant_id == grant_id) | C.claim_key.does_not_exist())


def new_grant(login, patient, *, access_type: str, permissions: list[str], expires_on: str | None = None,
              at: int):
    """An unsaved grant of `login` (a PortalAccountModel) for `patient`."""
    from chalicelib.models import AccessGrantModel

    ck = login.clinic_key
    grant = AccessGrantModel(
        ck, grant_id_for(login.account_id, patient.patient_id), login_id=login.account_id,
        login_key=f"{ck}#{login.account_id}", patient_id=patient.patient_id,
        patient_key=f"{ck}#{patient.patient_id}", patient_first_name=patient.first_name,
        patient_last_name=patient.last_name, username_key=login.username_key,
        row_key=f"{login.username_key}#{patient.patient_id}", access_type=access_type,
        permissions=list(permissions), status="active", login_status=login.status, status_key="",
        expires_on=expires_on, created_at=at, updated_at=at)
    grant.status_key = grant.status_key_for(grant.status, grant.login_status)
    for name, value in grant.search_keys(patient.first_name, patient.last_name).items():
        setattr(grant, name, value)
    return grant


def of_login(clinic_key: str, login_id: str) -> list:
    """Every grant a login holds (one Query on by_login; a login holds few)."""
    from chalicelib.models import AccessGrantModel

    return list(AccessGrantModel.by_login.query(f"{clinic_key}#{login_id}"))


def of_patient(clinic_key: str, patient_id: str) -> list:
    """Every grant that opens one patient (one Query on by_patient): the patient page's list."""
    from chalicelib.models import AccessGrantModel

    return list(AccessGrantModel.by_patient.query(f"{clinic_key}#{patient_id}"))


def new_grant_for(tx, patient) -> None:
    """Add to a transaction that creates a grant copying `patient`'s name: the patient
    must still exist under that name, and its `grant_epoch` moves, so a rename that
    read the patient's grants before this one commits fails instead of missing it."""
    from chalicelib.models import PatientModel as P

    tx.update("patient", patient, actions=[P.grant_epoch.add(1)],
              condition=P.patient_id.exists() & (P.first_name == patient.first_name)
              & (P.last_name == patient.last_name))


def patient_changed(patient) -> Callable[[], Exception]:
    """The error when `new_grant_for`'s condition failed: gone (404) or renamed meanwhile (409)."""
    def error() -> Exception:
        from chalicelib.models import PatientModel as P
        from chalicelib.portal_accounts.admin import changed_meanwhile, patient_not_found

        try:
            P.get(patient.clinic_key, patient.patient_id, consistent_read=True)
        except P.DoesNotExist:
            return patient_not_found()
        return changed_meanwhile()
    return error


def follow_patient_name(tx, grants: list, first_name: str, last_name: str) -> list[str]:
    """Add to a change of a patient's name: each of the patient's grants (`of_patient`,
    read before the transaction; a patient has few) gets the name and the search keys
    User Management finds it by. Returns the transaction items' names."""
    from chalicelib.models import AccessGrantModel as G

    for i, grant in enumerate(grants):
        keys = grant.search_keys(first_name, last_name)
        tx.update(f"grant#{i}", grant, condition=G.grant_id.exists(), actions=[
            G.patient_first_name.set(first_name), G.patient_last_name.set(last_name),
            *(getattr(G, name).set(value) for name, value in keys.items())])
    return [f"grant#{i}" for i in range(len(grants))]


def follow_login_status(tx, login, status: str) -> None:
    """Add to a change of the login's status: each of its grants' copy of it."""
    from chalicelib.models import AccessGrantModel as G

    for i, grant in enumerate(of_login(login.clinic_key, login.account_id)):
        tx.update(f"grant#{i}", grant, actions=grant.status_actions(login_status=status),
                  condition=G.grant_id.exists())


@dataclass
class Row:
    """One User Management row: a grant and the login that holds it. Its revision
    is the sum of both (either change moves it); a change is conditional on both."""
    grant: object
    login: object

    @property
    def revision(self) -> int:
        return int(self.grant.revision or 0) + int(self.login.revision or 0)


def grant_not_found() -> NotFound:
    return NotFound("No portal account with that id at this clinic.", code="account_not_found")
