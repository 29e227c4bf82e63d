"""The two kinds of people who sign in (staff, patient-portal accounts), seen
through one shape, `LoginRecord`, so login and password change treat them alike."""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.staff.roles import permissions_for

LOGIN_TYPES = ("staff", "patient")


@dataclass
class LoginRecord:
    kind: str
    subject_id: str
    username: str
    display_name: str
    password_hash: str | None
    active: bool            # may sign in at all (enabled, not invited-only, not deleted)
    portal_access: bool     # staff: Staff Portal access switch
    force_password_change: bool
    roles: list = field(default_factory=list)
    permissions: list = field(default_factory=list)
    email: str | None = None
    first_name: str = ""
    last_name: str = ""
    patient_id: str | None = None
    access_type: str | None = None
    patient_name: str | None = None   # portal: the patient preselected at login (its only working grant)
    item: object = None     # the PynamoDB item behind it

    @property
    def user_inputs(self) -> list[str]:
        """Personal strings a password must not contain or be built from."""
        return [v for v in (self.username, self.email, self.first_name, self.last_name) if v]


def from_staff(item) -> LoginRecord:
    return LoginRecord(
        kind="staff", subject_id=item.username_key, username=item.username,
        display_name=f"{item.first_name} {item.last_name}".strip(),
        password_hash=item.password_hash, active=item.is_active,
        portal_access=bool(item.portal_access),
        force_password_change=bool(item.force_password_change),
        roles=list(item.roles or []), permissions=permissions_for(item.roles),
        email=item.email, first_name=item.first_name, last_name=item.last_name, item=item,
    )


def from_account(item) -> LoginRecord:
    return LoginRecord(
        kind="patient", subject_id=item.account_id, username=item.username,
        display_name=f"{item.first_name} {item.last_name}".strip(),
        password_hash=item.password_hash,
        active=item.is_active,
        portal_access=True, force_password_change=bool(item.force_password_change),
        email=item.username, first_name=item.first_name, last_name=item.last_name, item=item,
    )


def login_request(clinic_key: str, login_type: str, username_key: str):
    """The (model, keys...) the login TransactGet reads for this login type."""
    from chalicelib.models import PortalUsernameModel, StaffModel

    if login_type == "staff":
        return (StaffModel, clinic_key, username_key)
    return (PortalUsernameModel, f"{clinic_key}#{username_key}")


def resolve(login_type: str, clinic_key: str, fetched) -> LoginRecord | None:
    """Turn what the TransactGet read into a LoginRecord (a patient needs one more read)."""
    from chalicelib.models import PortalAccountModel

    if login_type == "staff":
        return from_staff(fetched) if fetched is not None else None
    # A username claim points at the account. Without one, still read (a key that
    # cannot exist) so an unknown username costs the same round trips as a known one.
    account_id = fetched.account_id if fetched is not None else "-"
    try:
        return from_account(PortalAccountModel.get(clinic_key, account_id))
    except PortalAccountModel.DoesNotExist:
        return None


def load(kind: str, clinic_key: str, subject_id: str) -> LoginRecord | None:
    """The current record behind a session (read consistently: a change of it is
    conditional on what was read)."""
    from chalicelib.models import PortalAccountModel, StaffModel

    model, build = (StaffModel, from_staff) if kind == "staff" else (PortalAccountModel, from_account)
    try:
        return build(model.get(clinic_key, subject_id, consistent_read=True))
    except model.DoesNotExist:
        return None


def credential_update(record: LoginRecord, actions: list, *, require_active: bool = True):
    """(item, actions, condition) that changes a record only if its password hash is
    still the one we read (and it may still sign in)."""
    model = type(record.item)
    if record.password_hash is None:
        condition = model.password_hash.does_not_exist()
    else:
        condition = model.password_hash == record.password_hash
    if require_active:
        condition &= model.active_condition()
    return record.item, actions, condition


def preselect_patient(record: LoginRecord) -> None:
    """A portal login holding exactly one working grant views that patient from the
    start (no picker); with several it picks one (`/api/portal/patients/{id}/select`).
    One Query on the grants' by_login index."""
    from chalicelib.portal_accounts.grants import of_login, works

    if record.kind != "patient":
        return
    usable = [g for g in of_login(record.item.clinic_key, record.subject_id) if works(g, record.item)]
    if len(usable) == 1:
        (grant,) = usable
        record.patient_id, record.access_type = grant.patient_id, grant.access_type
        record.permissions = [p for p in _sections() if p in (grant.permissions or [])]
        record.patient_name = f"{grant.patient_first_name or ''} {grant.patient_last_name or ''}".strip() or None


def _sections():
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS

    return PORTAL_SECTIONS
