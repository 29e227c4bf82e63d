"""Setting up portal access from the setup form: a username without a login gets a
new login (Self: credentials shown once; a representative: invited by email) and
its first grant; a username that already has a login gets one more grant, with
no new password and an "access added" email that never names the patient."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.records import write
from chalicelib.people import admin as people
from chalicelib.people.admin import Issued
from chalicelib.portal_accounts import grants as G
from chalicelib.portal_accounts.admin import (
    KIND,
    _grant_event,
    changed_meanwhile,
    ordered_sections,
    patient_not_found,
    username_taken,
)
from chalicelib.portal_accounts.records import PORTAL_SECTIONS, claim_condition, new_account_items


def create_account(session, clinic, *, patient_id: str, username: str, first_name: str, last_name: str,
                   access_type: str, force_password_change: bool | None, permissions: list | None,
                   send_invitation: bool | None, info: RequestInfo, expires_on: str | None = None) -> Issued:
    """Set up portal access for a patient of the clinic (see the module doc)."""
    from chalicelib.models import PatientModel, PortalUsernameModel

    if permissions is None:
        permissions = list(PORTAL_SECTIONS) if access_type == "self" else []
    permissions = ordered_sections(permissions)
    if send_invitation is None:
        send_invitation = access_type == "authorized_rep"
    if access_type == "authorized_rep" and not send_invitation:
        raise InvalidRequest("An authorized representative chooses their own password from an invitation "
                             "email; send_invitation cannot be false for them.")
    ckey = clinic.clinic_key
    try:
        patient = PatientModel.get(ckey, patient_id)
    except PatientModel.DoesNotExist:
        raise patient_not_found() from None
    try:
        claim = PortalUsernameModel.get(f"{ckey}#{normalize_key(username)}", consistent_read=True)
    except PortalUsernameModel.DoesNotExist:
        claim = None
    if claim is not None:
        login = people.load(KIND, ckey, claim.account_id)
        return _attach(session, clinic, login, patient, access_type=access_type, permissions=permissions,
                       expires_on=expires_on, info=info)
    return _new_login(session, clinic, patient, username=username, first_name=first_name, last_name=last_name,
                      access_type=access_type, permissions=permissions, expires_on=expires_on,
                      send_invitation=send_invitation, force_password_change=force_password_change, info=info)


def _new_login(session, clinic, patient, *, username, first_name, last_name, access_type, permissions,
               expires_on, send_invitation, force_password_change, info) -> Issued:
    from chalicelib.models import AccessGrantModel, AccountStatus, PortalAccountModel
    from chalicelib.people import invitations

    ckey = clinic.clinic_key
    at = now()
    login, claim = new_account_items(
        ckey, username=username, first_name=first_name, last_name=last_name,
        status=AccountStatus.INVITED if send_invitation else AccountStatus.ACTIVE, at=at)
    password, invite = people.first_credentials(KIND, clinic, login, send_invitation=send_invitation,
                                                force_password_change=force_password_change, at=at)
    grant = G.new_grant(login, patient, access_type=access_type, permissions=permissions,
                        expires_on=expires_on, at=at)

    def build(tx):
        G.new_grant_for(tx, patient)
        tx.save("account", login, condition=PortalAccountModel.account_id.does_not_exist())
        tx.save("claim", claim, condition=claim_condition())
        tx.save("grant", grant, condition=AccessGrantModel.grant_id.does_not_exist())
        if access_type == "self":
            G.save_self_claim(tx, G.self_claim(ckey, patient.patient_id, grant.grant_id))
        if invite:
            invitations.save_token(tx, invite)
        tx.audit(audit.event(ckey, "portal_account_created", info=info, outcome="succeeded", actor=actor(session),
                             subject=KIND.subject(login),
                             details={"patient_id": patient.patient_id, "access_type": access_type,
                                      "permissions": permissions, "grant_id": grant.grant_id,
                                      "expires_on": expires_on,
                                      "force_password_change": bool(login.force_password_change),
                                      "invitation": bool(invite)}))

    write(build, failed={"patient": G.patient_changed(patient), "self_claim": G.self_exists,
                         "claim": username_taken})
    issued = people.hand_out(KIND, session, clinic, login, password, invite, to=username, info=info)
    return Issued(G.Row(grant, login), issued.credentials)


def _attach(session, clinic, login, patient, *, access_type, permissions, expires_on, info) -> Issued:
    """One more grant for an existing login: no new password; an "access added" email."""
    from chalicelib.models import AccessGrantModel
    from chalicelib.models import PortalAccountModel as M

    ckey = clinic.clinic_key
    grant = G.new_grant(login, patient, access_type=access_type, permissions=permissions,
                        expires_on=expires_on, at=now())

    def build(tx):
        G.new_grant_for(tx, patient)
        # The login as read: its status is copied onto the grant.
        tx.update("login", login, actions=[M.grant_count.add(1)],
                  condition=M.account_id.exists() & (M.status == login.status))
        tx.save("grant", grant, condition=AccessGrantModel.grant_id.does_not_exist())
        if access_type == "self":
            G.save_self_claim(tx, G.self_claim(ckey, patient.patient_id, grant.grant_id))
        tx.audit(_grant_event(ckey, "access_grant_created", session, login, grant, info,
                              {"access_type": access_type, "permissions": permissions,
                               "expires_on": expires_on, "existing_login": True}))

    write(build, failed={"patient": G.patient_changed(patient), "grant": G.grant_exists, "self_claim": G.self_exists,
                         "login": changed_meanwhile})
    login.grant_count = int(login.grant_count or 0) + 1
    from chalicelib.portal_accounts.notices import send_access_added

    send_access_added(clinic, login, info=info, session=session)
    row = G.Row(grant, login)
    row.attached = True
    return Issued(row)
