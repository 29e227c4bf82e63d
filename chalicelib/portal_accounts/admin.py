"""What front-desk staff do with patient-portal accounts. A User Management row
(the wire's "account", `account_id` = the grant id) is one access grant and the
login that holds it (`grants.Row`):

- set one up (`setup.py`): a username without a login gets a new login and its
  first grant; a username that already has a login gets one more grant;
- change it: names and forced password change are the login's, access type,
  sections and `expires_on` the grant's (one transaction, audited per record);
- disable/enable a row: that grant only (its other patients stay reachable; the
  login's sessions go on, the grant stops working on the next request);
- remove a row: the grant; removing a login's last grant removes the login;
- reset the password, force a change, resend the invitation: the login as a
  whole, as `login_admin` does for the login itself.

Ids are only ever looked up under the caller's own clinic key.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import now
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.core.records import CONFLICT_MESSAGE, bump, check_revision, unchanged, write
from chalicelib.people import admin as people
from chalicelib.people.admin import Issued
from chalicelib.portal_accounts import grants as G
from chalicelib.portal_accounts.records import PORTAL_SECTIONS


def account_not_found() -> NotFound:
    return NotFound("No portal account with that id at this clinic.", code="account_not_found")


def patient_not_found() -> NotFound:
    return NotFound("No patient with that id at this clinic.", code="patient_not_found")


def username_taken() -> Conflict:
    return Conflict("That username is already in use at this clinic.", code="username_taken")


def changed_meanwhile() -> Conflict:
    return Conflict(CONFLICT_MESSAGE, code="conflict")


def _model():
    from chalicelib.models import PortalAccountModel

    return PortalAccountModel


def ordered_sections(permissions) -> list[str]:
    return [p for p in PORTAL_SECTIONS if p in (permissions or [])]


def _follow(tx, item, status: str) -> None:
    G.follow_login_status(tx, item, status)


KIND = people.Kind(
    name="patient", event="portal_account", model=_model, key_name="account_id",
    invitation_kind="invitation", not_found=account_not_found,
    session_fields=(),  # sessions carry no grant: each patient-side request reads it
    follow_status=_follow,
)


def get_login(clinic_key: str, login_id: object, *, revision: int | None = None):
    if not isinstance(login_id, str) or not RECORD_ID_RE.fullmatch(login_id):
        raise account_not_found()
    return people.load(KIND, clinic_key, login_id, revision=revision)


def get_account(clinic_key: str, account_id: object, *, revision: int | None = None) -> G.Row:
    """The row (grant + login, read consistently); 404 for an id that is not this
    clinic's, 409 `conflict` if `revision` is given and no longer current."""
    from chalicelib.models import AccessGrantModel

    if not isinstance(account_id, str) or not RECORD_ID_RE.fullmatch(account_id):
        raise account_not_found()
    try:
        grant = AccessGrantModel.get(clinic_key, account_id, consistent_read=True)
    except AccessGrantModel.DoesNotExist:
        raise account_not_found() from None
    row = G.Row(grant, people.load(KIND, clinic_key, grant.login_id))
    if revision is not None and row.revision != revision:
        check_revision(row, revision)
    return row


# ---------------------------------------------------------------- create (setup.py)

def create_account(session, clinic, **kwargs) -> Issued:
    """Set up portal access for a patient (`setup.create_account`)."""
    from chalicelib.portal_accounts.setup import create_account as create

    return create(session, clinic, **kwargs)


def _grant_event(ckey, name, session, login, grant, info, details: dict):
    return audit.event(ckey, name, info=info, outcome="succeeded", actor=actor(session),
                       subject=KIND.subject(login),
                       details={"grant_id": grant.grant_id, "patient_id": grant.patient_id, **details})


# ---------------------------------------------------------------- change

LOGIN_FIELDS = ("first_name", "last_name", "force_password_change")
GRANT_FIELDS = ("access_type", "permissions", "expires_on")


def update_account(session, clinic, account_id: str, changes: dict, info: RequestInfo, *,
                   revision: int | None = None) -> G.Row:
    """Change the login's names or forced password change and the grant's access
    type, sections or end date, in one transaction conditional on both as read."""
    from chalicelib.models import AccessGrantModel as GM

    row = get_account(clinic.clinic_key, account_id, revision=revision)
    grant, login = row.grant, row.login
    if "permissions" in changes:
        changes = {**changes, "permissions": ordered_sections(changes["permissions"])}
    grant_diff = _diff(grant, {k: v for k, v in changes.items() if k in GRANT_FIELDS},
                       {"permissions": ordered_sections})
    login_diff = _diff(login, {k: v for k, v in changes.items() if k in LOGIN_FIELDS}, {})
    if not grant_diff and not login_diff:
        return row
    if login_diff.get("force_password_change", {}).get("after") and login.password_hash is None:
        raise Conflict("This person has not set a password yet; they choose one when they accept "
                       "their invitation.", code="invitation_pending")
    access = grant_diff.get("access_type")
    ckey = clinic.clinic_key

    def build(tx):
        if login_diff:
            people.update_record(tx, KIND, session, login, _actions(type(login), login_diff))
            tx.audit(audit.event(ckey, "portal_account_updated", info=info, outcome="succeeded",
                                 actor=actor(session), subject=KIND.subject(login),
                                 details={"changes": login_diff, "sessions_ended": 0}))
        else:
            tx.check("record", type(login), login.clinic_key, login.account_id,
                     condition=unchanged(type(login), type(login).account_id, login))
        if grant_diff:
            tx.update("grant", grant, actions=_actions(GM, grant_diff) + [GM.updated_at.set(now()), bump(GM)],
                      condition=unchanged(GM, GM.grant_id, grant))
            if access and access["after"] == "self":
                G.save_self_claim(tx, G.self_claim(ckey, grant.patient_id, grant.grant_id))
            elif access:
                G.delete_self_claim(tx, ckey, grant.patient_id, grant.grant_id)
            tx.audit(_grant_event(ckey, "access_grant_updated", session, login, grant, info,
                                  {"changes": grant_diff}))
        else:
            tx.check("grant", GM, grant.clinic_key, grant.grant_id, condition=unchanged(GM, GM.grant_id, grant))

    write(build, failed={"self_claim": G.self_exists, "record": changed_meanwhile, "grant": changed_meanwhile})
    if login_diff:
        people.applied(login, {k: v["after"] for k, v in login_diff.items()})
    if grant_diff:
        people.applied(grant, {k: v["after"] for k, v in grant_diff.items()})
    return row


def _diff(item, changes: dict, normalize: dict) -> dict:
    out = {}
    for name, value in changes.items():
        before = getattr(item, name)
        before = normalize[name](before) if name in normalize else before
        if before != value:
            out[name] = {"before": before, "after": value}
    return out


def _actions(model, diff: dict) -> list:
    return [getattr(model, n).set(c["after"]) if c["after"] is not None else getattr(model, n).remove()
            for n, c in diff.items()]


def delete_account(session, clinic, account_id: str, info: RequestInfo, *, revision: int | None = None) -> None:
    """Remove the grant. Removing a login's last grant removes the login too (its
    username claim, sessions and any invitation); the username can be used again."""
    from chalicelib.auth.sessions import EndSessions
    from chalicelib.models import AccessGrantModel as GM
    from chalicelib.models import PortalAccountModel as M
    from chalicelib.models import PortalUsernameModel as U
    from chalicelib.people import invitations

    row = get_account(clinic.clinic_key, account_id, revision=revision)
    grant, login = row.grant, row.login
    last = int(login.grant_count or 0) <= 1
    ending = EndSessions(KIND.principal(login)) if last else None
    ckey = clinic.clinic_key

    def build(tx):
        tx.delete("grant", grant, condition=unchanged(GM, GM.grant_id, grant))
        if grant.access_type == "self":
            G.delete_self_claim(tx, ckey, grant.patient_id, grant.grant_id)
        count = M.grant_count.does_not_exist() if login.grant_count is None else M.grant_count == login.grant_count
        if last:
            tx.delete("login", login, condition=M.account_id.exists() & count)
            tx.delete("claim", U(f"{login.clinic_key}#{login.username_key}"),
                      condition=(U.account_id == login.account_id) | U.login_key.does_not_exist())
            invitations.kill_token(tx, login.invitation_token_hash)
            ending.add_to(tx)
        else:
            tx.update("login", login, actions=[M.grant_count.add(-1)], condition=M.account_id.exists() & count)
        tx.audit(_grant_event(ckey, "access_grant_removed", session, login, grant, info,
                              {"access_type": grant.access_type, "permissions": list(grant.permissions or [])}))
        if last:
            tx.audit(audit.event(ckey, "portal_account_deleted", info=info, outcome="succeeded",
                                 actor=actor(session), subject=KIND.subject(login),
                                 details={"patient_id": grant.patient_id, "access_type": grant.access_type,
                                          "sessions_ended": ending.count}))

    write(build, failed={"grant": changed_meanwhile, "login": changed_meanwhile})
    if ending:
        ending.finish()


def set_enabled(session, clinic, account_id: str, enabled: bool, info: RequestInfo, *,
                revision: int | None = None) -> G.Row:
    """Disable or enable one grant: only that patient's access. The login's sessions
    go on (no epoch bump); a disabled grant stops working on the next request."""
    from chalicelib.models import AccessGrantModel as GM

    row = get_account(clinic.clinic_key, account_id, revision=revision)
    grant = row.grant
    status = "active" if enabled else "disabled"
    if grant.status == status:
        return row

    def build(tx):
        tx.update("grant", grant, actions=grant.status_actions(status=status) + [GM.updated_at.set(now()), bump(GM)],
                  condition=unchanged(GM, GM.grant_id, grant))
        tx.audit(_grant_event(clinic.clinic_key, f"access_grant_{'enabled' if enabled else 'disabled'}",
                              session, row.login, grant, info,
                              {"status": {"before": grant.status, "after": status}}))

    write(build, failed={"grant": changed_meanwhile})
    people.applied(grant, {"status": status, "status_key": grant.status_key_for(status, grant.login_status)})
    return row


# ---------------------------------------------------------------- the login as a whole, from a row

def _login_action(name: str):
    def action(session, clinic, account_id: str, info: RequestInfo, *, revision: int | None = None):
        from chalicelib.portal_accounts import login_admin

        row = get_account(clinic.clinic_key, account_id, revision=revision)
        result = getattr(login_admin, name)(session, clinic, row.login, info)
        return Issued(G.Row(row.grant, result.item if isinstance(result, Issued) else result),
                      result.credentials if isinstance(result, Issued) else None)
    action.__name__ = name
    return action


reset_password = _login_action("reset_password")
force_password_change = _login_action("force_password_change")
resend_invitation = _login_action("resend_invitation")
