"""User Management: one clinic's portal accounts, filtered by status or patient.

Every page is exactly one DynamoDB Query on the index that answers the filter:

    status=all                    by_clinic   (clinic_key)
    status=enabled|disabled|invited by_status (status_key = "<clinic_key>#<status>")
    patient_id=...                by_patient  (patient_key = "<clinic_key>#<patient_id>"),
                                  with the status as a filter (a patient has few accounts)

all ordered by username; `q` narrows to usernames starting with it. The cursor is
the last key of the page, checked to point into the caller's own partition.
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
    """One page: (account items, next cursor or None)."""
    from chalicelib.core.limits import PATIENT_ID_RE
    from chalicelib.models import PortalAccountModel as M

    if status not in STATUS_FILTERS:
        raise InvalidRequest(f"status must be one of: {', '.join(STATUS_FILTERS)}.")
    if q is not None and len(q) > MAX_QUERY:
        raise InvalidRequest(f"q is longer than {MAX_QUERY} characters.")
    prefix = normalize_key(q) if q else ""
    range_condition = M.username_key.startswith(prefix) if prefix else None
    ck = clinic.clinic_key
    filter_condition = None
    if patient_id:
        if not PATIENT_ID_RE.fullmatch(patient_id):
            raise InvalidRequest("A patient id is 1 to 64 letters, digits, '-' or '_'.")
        query, hash_name, hash_value = M.by_patient.query, "patient_key", f"{ck}#{patient_id}"
        keys = ("patient_key", "username_key", "clinic_key", "account_id")
        if status != "all":
            filter_condition = M.status == STORED_STATUS[status]
    elif status == "all":
        query, hash_name, hash_value = M.by_clinic.query, "clinic_key", ck
        keys = ("clinic_key", "username_key", "account_id")
    else:
        query, hash_name, hash_value = M.by_status.query, "status_key", M.status_key_for(ck, STORED_STATUS[status])
        keys = ("status_key", "username_key", "clinic_key", "account_id")
    start = page_start(cursor, hash_name=hash_name, hash_value=hash_value, key_names=keys,
                       prefix_name="username_key", prefix=prefix)
    items, last_key = query_page(M, query, hash_value, limit=limit, start=start, key_names=keys,
                                 range_key_condition=range_condition, filter_condition=filter_condition)
    return items, encode_cursor(last_key)
