"""User Management: one clinic's rows (one per login x patient: an access grant
and its login), filtered by status or patient.

Every page is one DynamoDB Query on the grants index that answers the filter,
plus one BatchGetItem of the page's logins:

    status=all                    by_clinic   (clinic_key)
    status=enabled|disabled|invited by_status (status_key = "<clinic_key>#<row status>")
    patient_id=...                by_patient  (patient_key = "<clinic_key>#<patient_id>"),
                                  with the status as a filter (a patient has few grants)

all ordered by username, then patient (`row_key`); `q` narrows to usernames
starting with it. The row status combines the grant's and the login's (a copy on
the grant); "enabled" includes rows whose `expires_on` has passed (shown as
"expired"). The cursor is the last key of the page, checked to point into the
caller's own partition.
"""
from __future__ import annotations

from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import normalize_key

STATUS_FILTERS = ("enabled", "disabled", "invited", "all")
STORED_STATUS = {"enabled": "active", "disabled": "disabled", "invited": "invited"}
PAGE_SIZE = 50
MAX_QUERY = 254


def list_accounts(clinic, *, status: str = "all", patient_id: str | None = None, q: str | None = None,
                  cursor: str | None = None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One page: (rows, next cursor or None)."""
    from chalicelib.core.limits import PATIENT_ID_RE
    from chalicelib.models import AccessGrantModel as M

    if status not in STATUS_FILTERS:
        raise InvalidRequest(f"status must be one of: {', '.join(STATUS_FILTERS)}.")
    if q is not None and len(q) > MAX_QUERY:
        raise InvalidRequest(f"q is longer than {MAX_QUERY} characters.")
    prefix = normalize_key(q) if q else ""
    range_condition = M.row_key.startswith(prefix) if prefix else None
    ck = clinic.clinic_key
    filter_condition = None
    if patient_id:
        if not PATIENT_ID_RE.fullmatch(patient_id):
            raise InvalidRequest("A patient id is 1 to 64 letters, digits, '-' or '_'.")
        query, hash_name, hash_value = M.by_patient.query, "patient_key", f"{ck}#{patient_id}"
        keys = ("patient_key", "row_key", "clinic_key", "grant_id")
        if status != "all":
            filter_condition = M.status_key == f"{ck}#{STORED_STATUS[status]}"
    elif status == "all":
        query, hash_name, hash_value = M.by_clinic.query, "clinic_key", ck
        keys = ("clinic_key", "row_key", "grant_id")
    else:
        query, hash_name, hash_value = M.by_status.query, "status_key", f"{ck}#{STORED_STATUS[status]}"
        keys = ("status_key", "row_key", "clinic_key", "grant_id")
    start = page_start(cursor, hash_name=hash_name, hash_value=hash_value, key_names=keys,
                       prefix_name="row_key", prefix=prefix)
    items, last_key = query_page(M, query, hash_value, limit=limit, start=start, key_names=keys,
                                 range_key_condition=range_condition, filter_condition=filter_condition)
    return rows(ck, items), encode_cursor(last_key)


def rows(clinic_key: str, items: list) -> list:
    """The grants with their logins (one BatchGetItem; a login gone meanwhile drops its rows)."""
    from chalicelib.models import PortalAccountModel
    from chalicelib.portal_accounts.grants import Row

    ids = sorted({g.login_id for g in items})
    logins = {i.account_id: i for i in PortalAccountModel.batch_get([(clinic_key, i) for i in ids])} if ids else {}
    return [Row(g, logins[g.login_id]) for g in items if g.login_id in logins]
