"""Patient-portal logins: records and their username claims (what a login may
open, its access grants, is `grants.py`)."""
from __future__ import annotations

from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import new_id, normalize_key, now
from chalicelib.core.limits import EMAIL_MAX, EMAIL_RE
from chalicelib.sections import SECTION_IDS

PORTAL_SECTIONS = SECTION_IDS   # the registry's order (chalicelib/sections)

ACCESS_TYPES = ("self", "authorized_rep")


def check_email(value: object, field: str = "username") -> str:
    if not isinstance(value, str) or len(value) > EMAIL_MAX or not EMAIL_RE.fullmatch(value.strip()):
        raise InvalidRequest(f"{field} must be an email address.", code="invalid_email")
    return value.strip()


def new_account_items(clinic_key: str, *, username: str, first_name: str, last_name: str, status,
                      force_password_change: bool = False, password_hash: str | None = None,
                      grant_count: int = 1, at: int | None = None):
    """(login, username claim): unsaved; save both in one transaction (`claim_condition`),
    with the login's first grant (`grants.new_grant`)."""
    from chalicelib.models import PortalAccountModel, PortalUsernameModel

    at = at or now()
    ukey = normalize_key(username)
    account = PortalAccountModel(
        clinic_key, new_id(), username=username, username_key=ukey, first_name=first_name,
        last_name=last_name, grant_count=grant_count, password_hash=password_hash,
        force_password_change=force_password_change,
        password_changed_at=at if password_hash else None, created_at=at, updated_at=at)
    account.set_status(status)
    claim = PortalUsernameModel(f"{clinic_key}#{ukey}", clinic_key=clinic_key, account_id=account.account_id)
    return account, claim


def claim_condition():
    from chalicelib.models import PortalUsernameModel

    return PortalUsernameModel.login_key.does_not_exist()
