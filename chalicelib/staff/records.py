"""Staff members of a clinic."""
from __future__ import annotations

from chalicelib.core.db import is_conditional_failure
from chalicelib.core.errors import Conflict, InvalidRequest
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.limits import STAFF_USERNAME_RE


def check_staff_username(username: object) -> str:
    if not isinstance(username, str) or not STAFF_USERNAME_RE.fullmatch(username):
        raise InvalidRequest("A staff username is 2 to 64 letters, digits, '.', '-' or '_' (e.g. DoeJ).")
    return username


def new_staff_item(clinic_key: str, *, username: str, first_name: str, last_name: str,
                   email: str | None, roles: list[str], portal_access: bool,
                   password_hash: str | None, force_password_change: bool):
    from chalicelib.models import StaffModel
    from chalicelib.models.staff import email_key_of

    at = now()
    return StaffModel(clinic_key, normalize_key(username), username=username, first_name=first_name,
                      last_name=last_name, email=email, email_key=email_key_of(email), roles=roles,
                      portal_access=portal_access,
                      enabled=True, password_hash=password_hash,
                      force_password_change=force_password_change,
                      password_changed_at=at if password_hash else None, created_at=at)


def save_new_staff(item) -> None:
    """Save a new staff member; 409 if the username is taken in that clinic."""
    from pynamodb.exceptions import PutError

    from chalicelib.models import StaffModel

    try:
        item.save(condition=StaffModel.username_key.does_not_exist())
    except PutError as exc:
        if is_conditional_failure(exc):
            raise Conflict("That staff username is already in use at this clinic.", code="username_taken") from None
        raise
