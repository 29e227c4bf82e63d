"""User Management: one clinic's rows (one per login x patient: an access grant
and its login), filtered by status or patient, and searched.

Without a search, a page is one DynamoDB Query on the grants index that answers
the filter, plus one BatchGetItem of the page's logins:

    status=all                    by_clinic   (clinic_key)
    status=enabled|disabled|invited by_status (status_key = "<clinic_key>#<row status>")
    patient_id=...                by_patient  (patient_key = "<clinic_key>#<patient_id>"),
                                  with the status as a filter (a patient has few grants)

all ordered by username, then patient (`row_key`); with `patient_id`, `q`
narrows to usernames starting with it.

A search (`q`, core.search_keys) matches the start of a username, a patient id,
the patient's last name, first name, "Last, First" or "First Last", whatever the
case and accents. It reads these sources in order (core.search.search_page: at
most one Query per source per page, each asking for what the page still needs,
never a Scan; a row found by an earlier source is not listed again):

    username     by_clinic / by_status (row_key "<username>#<patient id>")
    patient id   by_patient_id    (patient_id_key    "<id>#<username>", folded)
    last name    by_patient_last  (patient_last_key  "<last>#<first>#<id>#<username>")
    first name   by_patient_first (patient_first_key "<first>#<last>#<id>#<username>")

With a status filter the username source reads by_status and the others filter
on `status_key` (a page may then come back short, with a cursor). The patient's
keys are copied onto each grant when it is made and rewritten when staff change
the patient's name (patients.admin.update_patient, in the same transaction).

The row status combines the grant's and the login's (a copy on the grant);
"enabled" includes rows whose `expires_on` has passed (shown as "expired"). The
cursor is opaque and checked to point into the caller's clinic and search.
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
    q = (q or "").strip()
    ck = clinic.clinic_key
    if q and not patient_id:
        return search(clinic, q, status=status, cursor=cursor, limit=limit)
    prefix = normalize_key(q) if q else ""
    range_condition = M.row_key.startswith(prefix) if prefix else None
    filter_condition = None
    if patient_id:
        if not PATIENT_ID_RE.fullmatch(patient_id):
            raise InvalidRequest("A patient id is 1 to 64 letters, digits, '-' or '_'.")
        query, hash_name, hash_value = M.by_patient.query, "patient_key", f"{ck}#{patient_id}"
        keys = ("patient_key", "row_key", "clinic_key", "grant_id")
        if status != "all":
            filter_condition = M.status_key == f"{ck}#{STORED_STATUS[status]}"
    else:
        query, hash_name, hash_value, keys = _username_index(ck, status)
    start = page_start(cursor, hash_name=hash_name, hash_value=hash_value, key_names=keys,
                       prefix_name="row_key", prefix=prefix)
    items, last_key = query_page(M, query, hash_value, limit=limit, start=start, key_names=keys,
                                 range_key_condition=range_condition, filter_condition=filter_condition)
    return rows(ck, items), encode_cursor(last_key)


def _username_index(ck: str, status: str):
    """(query, hash name, hash value, key names) of the index ordered by username for a status filter."""
    from chalicelib.models import AccessGrantModel as M

    if status == "all":
        return M.by_clinic.query, "clinic_key", ck, ("clinic_key", "row_key", "grant_id")
    return (M.by_status.query, "status_key", f"{ck}#{STORED_STATUS[status]}",
            ("status_key", "row_key", "clinic_key", "grant_id"))


def search_sources(ck: str, q: str, status: str) -> list:
    """The sources a search text is looked up in, in order (core.search.Source)."""
    from chalicelib.core.search import Source
    from chalicelib.core.search_keys import fold, terms
    from chalicelib.models import AccessGrantModel as M

    t = terms(q)
    status_filter = M.status_key == f"{ck}#{STORED_STATUS[status]}" if status != "all" else None
    out = []
    if t.username:
        query, hash_name, hash_value, keys = _username_index(ck, status)
        out.append(Source(query, hash_name, hash_value, keys, "row_key", t.username,
                          M.row_key.startswith(t.username), lambda g, s=t.username: g.row_key.startswith(s)))
    searched = [("patient_id_key", fold(t.patient_id) if t.patient_id else None, M.by_patient_id),
                ("patient_last_key", t.last, M.by_patient_last),
                ("patient_first_key", t.first, M.by_patient_first)]
    for name, prefix, index in searched:
        if prefix:
            out.append(Source(index.query, "clinic_key", ck, ("clinic_key", name, "grant_id"), name, prefix,
                              getattr(M, name).startswith(prefix),
                              lambda g, n=name, s=prefix: (getattr(g, n) or "").startswith(s),
                              filter_condition=status_filter))
    return out


def search(clinic, q: str, *, status: str, cursor: str | None, limit: int) -> tuple[list, str | None]:
    from chalicelib.core.search import scope_digest, search_page
    from chalicelib.models import AccessGrantModel

    ck = clinic.clinic_key
    items, next_cursor = search_page(AccessGrantModel, search_sources(ck, q, status), cursor, limit=limit,
                                     scope=scope_digest("portal-accounts", ck, status, q))
    return rows(ck, items), next_cursor


def rows(clinic_key: str, items: list) -> list:
    """The grants with their logins (one BatchGetItem; a login gone meanwhile drops its rows)."""
    from chalicelib.models import PortalAccountModel
    from chalicelib.portal_accounts.grants import Row

    ids = sorted({g.login_id for g in items})
    logins = {i.account_id: i for i in PortalAccountModel.batch_get([(clinic_key, i) for i in ids])} if ids else {}
    return [Row(g, logins[g.login_id]) for g in items if g.login_id in logins]
