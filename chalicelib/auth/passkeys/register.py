"""A signed-in person adds a passkey: options (a challenge bound to them), then
the browser's answer verified by py_webauthn and stored with its count on the
person's record, audited and followed by a security email.

Both steps need a recent password or 2FA check (auth/reauth.py). Resident keys
and user verification are required, so the passkey can later sign in with no
username and counts as two factors. Attestation is not asked for ("none"): the
portal trusts no authenticator maker over another."""
from __future__ import annotations

import secrets

from chalicelib.auth.passkeys import ceremony
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Conflict, InvalidRequest, NotAuthenticated
from chalicelib.core.ids import now

MAX_PER_PERSON = 10


def challenge_invalid() -> InvalidRequest:
    return InvalidRequest("Adding the passkey took too long or was already finished. Start again.",
                          code="passkey_challenge_invalid")


def passkey_invalid() -> InvalidRequest:
    return InvalidRequest("Your device's answer could not be checked. Try again, or try another device.",
                          code="passkey_invalid")


def too_many() -> Conflict:
    return Conflict(f"You have {MAX_PER_PERSON} passkeys, the most an account may have. Remove one first.",
                    code="too_many_passkeys")


def _changed() -> Conflict:
    return Conflict("Your account changed at the same moment. Please start again.", code="conflict")


def owner_key(session) -> str:
    from chalicelib.auth.sessions import principal_key

    return principal_key(session.clinic_key, session.kind, session.subject_id)


def load(session):
    """(clinic, record) of the signed-in person, read consistently."""
    from chalicelib.auth import principals
    from chalicelib.clinics.records import get_clinic

    record = principals.load(session.kind, session.clinic_key, session.subject_id)
    if record is None or not record.active:
        raise NotAuthenticated("Please log in.")
    return get_clinic(session.clinic_id), record


def generation(item) -> int:
    return int(getattr(item, "passkey_generation", None) or 0)


def options(session) -> dict:
    """The `publicKey` options for navigator.credentials.create(), as JSON."""
    import json

    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    from chalicelib.auth.passkeys.manage import owned
    from chalicelib.auth.reauth import require_recent
    from chalicelib.auth.sessions import epoch_of

    require_recent(session)
    clinic, record = load(session)
    if int(record.item.passkey_count or 0) >= MAX_PER_PERSON:
        raise too_many()
    at = now()
    handle = record.item.passkey_user_id or ceremony.b64url(secrets.token_bytes(16))
    challenge, token = ceremony.new_challenge(ceremony.REGISTER + record.kind, clinic.clinic_key, at,
                                              subject_id=record.subject_id, session_epoch=epoch_of(record.item),
                                              user_handle=handle)
    existing = owned(session, record.item)
    made = generate_registration_options(
        rp_id=ceremony.rp_id(), rp_name=clinic.name, user_name=record.username,
        user_display_name=record.display_name or record.username, user_id=ceremony.unb64url(handle),
        challenge=challenge, timeout=ceremony.TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=ceremony.unb64url(p.credential_id))
                             for p in existing])
    token.save()
    return json.loads(options_to_json(made))


def add(session, credential: dict, name: str, info: RequestInfo):
    """Verify the browser's answer to `options` and store the passkey (PasskeyModel)."""
    from webauthn import verify_registration_response

    from chalicelib.auth.reauth import require_recent
    from chalicelib.auth.sessions import epoch_of
    from chalicelib.models import TokenModel

    require_recent(session)
    try:
        challenge = ceremony.client_challenge(credential)
        raw = ceremony.raw_id(credential)
    except ceremony.Malformed:
        raise passkey_invalid() from None
    clinic, record = load(session)
    at = now()
    try:
        token = TokenModel.get(ceremony.token_key(challenge), consistent_read=True)
    except TokenModel.DoesNotExist:
        raise challenge_invalid() from None
    if (not ceremony.live(token, ceremony.REGISTER + record.kind, clinic.clinic_key, at)
            or token.subject_id != record.subject_id or int(token.session_epoch or 0) != epoch_of(record.item)):
        raise challenge_invalid()
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=ceremony.unb64url(challenge),
            expected_rp_id=ceremony.rp_id(), expected_origin=ceremony.origins(), require_user_verification=True)
    except ceremony.verify_errors():
        raise passkey_invalid() from None
    if verified.credential_id != raw:
        raise passkey_invalid()
    item = _new_item(session, record, token, credential, verified, name, at)
    _commit(session, clinic, record, token, item, info)
    _notify(clinic, record, "added", name)
    return item


def _new_item(session, record, token, credential, verified, name, at):
    from chalicelib.models import PasskeyModel

    pid = ceremony.passkey_id(verified.credential_id)
    response = credential.get("response") or {}
    transports = [t for t in (response.get("transports") or []) if isinstance(t, str) and len(t) <= 16][:8]
    return PasskeyModel(
        f"{session.clinic_key}#{pid}", passkey_id=pid, clinic_key=session.clinic_key,
        owner_key=owner_key(session), created_key=f"{at:012d}#{pid}", kind=record.kind,
        subject_id=record.subject_id, credential_id=ceremony.b64url(verified.credential_id),
        public_key=ceremony.b64url(verified.credential_public_key), sign_count=int(verified.sign_count),
        transports=transports, user_handle=token.user_handle, name=name,
        backed_up=bool(verified.credential_backed_up), generation=generation(record.item), created_at=at)


def _commit(session, clinic, record, token, item, info) -> None:
    from chalicelib.core.records import write
    from chalicelib.models import PasskeyModel

    model = type(record.item)
    person = record.item
    actions = [model.passkey_count.add(1)]
    condition = model.active_condition() & (model.passkey_count.does_not_exist()
                                            | (model.passkey_count < MAX_PER_PERSON))
    condition &= (model.passkey_generation.does_not_exist() if person.passkey_generation is None
                  else model.passkey_generation == person.passkey_generation)
    if person.passkey_user_id is None:
        actions.append(model.passkey_user_id.set(token.user_handle))
        condition &= model.passkey_user_id.does_not_exist()
    else:
        condition &= model.passkey_user_id == token.user_handle

    def build(tx):
        tx.save("passkey", item, condition=PasskeyModel.passkey_key.does_not_exist())
        ceremony.used_up(tx, token)
        tx.update("record", person, actions=actions, condition=condition)
        tx.audit(audit.event(clinic.clinic_key, "passkey_added", info=info, outcome="succeeded",
                             actor=audit.actor(session), subject=subject(record),
                             details={"passkey": item.passkey_id, "name": item.name}))

    def exists():
        return Conflict("This passkey is already registered.", code="passkey_exists")

    def full_or_changed():
        from chalicelib.auth import principals as p

        again = p.load(record.kind, record.item.clinic_key, record.subject_id)
        if again is not None and int(again.item.passkey_count or 0) >= MAX_PER_PERSON:
            return too_many()
        return _changed()

    write(build, failed={"challenge": challenge_invalid, "passkey": exists, "record": full_or_changed})


def subject(record) -> dict:
    return {"kind": record.kind, "id": record.subject_id, "username": record.username}


def _notify(clinic, record, what: str, name: str = "") -> None:
    if record.email:
        from chalicelib.auth.account_emails import passkey_email, send_notice

        send_notice(passkey_email(clinic, what, login_type=record.kind, to=record.email,
                                  first_name=record.first_name, username=record.username, name=name))
