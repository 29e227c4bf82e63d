"""Set-password invitations by email, for portal accounts and staff members.

A token is 256 random bits; only its SHA-256 is stored (a `TokenModel` of kind
"invitation" or "staff_invitation", `subject_id` = the account id or staff
username key), and the record it invites keeps the same hash in
`invitation_token_hash`, so a new invitation kills the old one. A token works
once (its delete is conditional) and expires after the clinic's
`invitation_hours`; TTL removes it later, and every read checks expiry itself.

An invitation is bound to what it was sent for: the token stores the address
(normalised) and the person's session epoch at that moment, and it works only
while the record still has both. So correcting the email, and anything that ends
the person's sessions (disable, even if enabled again; a password reset; a change
of roles or Staff Portal access, or of access type or sections), kills the link
even if some flow forgot to. The flows also end it themselves, in the change's
own transaction (`Cancelling`): the token is deleted and the record shows
`invitation_status` "cancelled" until someone resends.

An invitation is created in the same transaction as the record it belongs to;
the email is sent after that commits, and whether SES took it is recorded
afterwards (`invitation_status` "sent" or "failed"), so a failed email never
leaves a half-created record, and resending repairs it.
"""
from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import hash_token, new_token, normalize_key, now

PATIENT_KIND = "invitation"
STAFF_KIND = "staff_invitation"
KINDS = (PATIENT_KIND, STAFF_KIND)
MAX_TOKEN_LENGTH = 128

# A message, not a password (ruff's S105 reads "TOKEN" in the name).
TOKEN_INVALID_MESSAGE = (
    "This link no longer works: it was already used, it has expired, or a newer "  # noqa: S105
    "invitation replaced it. Ask your clinic to send you a new invitation.")


def token_invalid() -> InvalidRequest:
    return InvalidRequest(TOKEN_INVALID_MESSAGE, code="token_invalid")


@dataclass
class Invite:
    token: str          # goes into the email only
    token_hash: str
    expires_at: int
    item: object        # unsaved TokenModel


def bound_to(record) -> tuple[str | None, int]:
    """What an invitation for `record` (staff or portal account, as it is now) is
    bound to: its address, normalised, and its session epoch."""
    from chalicelib.auth.sessions import epoch_of

    address = record.invitation_address
    return (normalize_key(address) if address else None), epoch_of(record)


def new_invite(clinic, kind: str, subject_id: str, at: int, *, record, lifetime_s: int | None = None) -> Invite:
    """A new invitation (or, with its own `kind` and `lifetime_s`, another emailed
    link such as a password reset) for `record`, bound to its address and session
    epoch as they are now (the record's change must be conditional on them: its
    revision)."""
    from chalicelib.models import TokenModel

    token, token_hash = new_token()
    expires = at + (clinic.settings.invitation_hours * 3600 if lifetime_s is None else lifetime_s)
    sent_to, epoch = bound_to(record)
    item = TokenModel(token_hash, kind=kind, clinic_key=clinic.clinic_key, subject_id=subject_id,
                      created_at=at, expires_at=datetime.fromtimestamp(expires, tz=UTC),
                      sent_to=sent_to, session_epoch=epoch)
    return Invite(token, token_hash, expires, item)


def pending_actions(model, invite: Invite) -> list:
    """Actions that point a record (account or staff) at a new invitation."""
    return [model.invitation_token_hash.set(invite.token_hash), model.invitation_status.set("pending"),
            model.invitation_expires_at.set(invite.expires_at)]


def save_token(tw, invite: Invite) -> None:
    from chalicelib.models import TokenModel

    tw.save(invite.item, condition=TokenModel.token_hash.does_not_exist())


def kill_token(tw, token_hash: str | None) -> None:
    """Delete an outstanding invitation token inside a transaction (if there is one)."""
    from chalicelib.models import TokenModel

    if token_hash:
        tw.delete(TokenModel(token_hash))


CANCELLED = "cancelled"


class Cancelling:
    """Ending a record's outstanding invitation (if it has one, and `when`) inside a
    change's transaction: `actions` and `values` for the record, `add_to(tx)` deletes
    the token, `note(details)` says so in the audit event. The record stays invited
    with `invitation_status` "cancelled", so the staff see it must be resent."""

    def __init__(self, record, when: bool = True):
        self.token_hash = record.invitation_token_hash if when else None
        model = type(record)
        self.actions = [model.invitation_token_hash.remove(), model.invitation_expires_at.remove(),
                        model.invitation_status.set(CANCELLED)] if self.token_hash else []
        self.values = {"invitation_token_hash": None, "invitation_expires_at": None,
                       "invitation_status": CANCELLED} if self.token_hash else {}

    def add_to(self, tx) -> None:
        kill_token(tx, self.token_hash)

    def note(self, details: dict) -> dict:
        if self.token_hash:
            details["invitation"] = CANCELLED
        return details


def invite_link(token: str, clinic_id: str | None = None, kind: str | None = None) -> str:
    """The set-password link. It also names the clinic and the login tab (nothing
    secret: the email says both), so the page can still lead to the right login
    once the token is used up and the server no longer knows whose it was."""
    from urllib.parse import urlencode

    from chalicelib.core.settings import get_settings

    link = f"{get_settings().public_base_url}/invite?token={token}"
    if clinic_id:
        link += "&" + urlencode({"clinicID": clinic_id,
                                 "LoginType": "Patient" if kind == PATIENT_KIND else "Staff"})
    return link


def invitation_email(clinic, kind: str, *, to: str, first_name: str, username: str, token: str,
                     hours: int):
    from chalicelib.core.mail import Email, render

    portal = "patient portal" if kind == PATIENT_KIND else "Staff Portal"
    subject, text, html = render(
        subject=f"{clinic.name}: set up your {portal} account",
        greeting=f"Hello {first_name},",
        paragraphs=[f"{clinic.name} has set up a {portal} account for you. "
                    "Open the link below to choose your password."],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id), ("Username", username)],
        link_text="Choose your password",
        link=invite_link(token, clinic.clinic_id, kind),
        closing=[f"The link works once and expires in {hours} hours. If it has expired, "
                 f"ask {clinic.name} to send you a new invitation.",
                 "If you were not expecting this email, you can ignore it."],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def deliver(clinic, kind: str, invite: Invite, *, record_key, to: str, first_name: str, username: str,
            info: RequestInfo, actor: dict, subject: dict) -> str:
    """Send the invitation email, then record on the record whether SES took it
    ("sent" or "failed"), with an audit event. Returns that status."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.mail import MailError, send
    from chalicelib.core.records import write

    try:
        send(invitation_email(clinic, kind, to=to, first_name=first_name, username=username,
                              token=invite.token, hours=clinic.settings.invitation_hours))
        status = "sent"
    except MailError:
        status = "failed"
    model = type(record_key)

    def build(tx):
        # Only if this invitation is still the record's current one (not replaced, not accepted).
        tx.update("record", record_key, actions=[model.invitation_status.set(status)],
                  condition=model.invitation_token_hash == invite.token_hash)
        tx.audit(audit.event(clinic.clinic_key, "invitation_email", info=info, outcome=status,
                             actor=actor, subject=subject, details={"to": to}))

    with suppress(TransactWriteError):  # a newer invitation or the acceptance already moved the record on
        write(build)
    return status


# ---------------------------------------------------------------- the invited person

def _still_bound(item, record_item) -> bool:
    """The record still has the address and session epoch the token was sent for.
    (A token without them predates the binding: refused, resend it.)"""
    if item.sent_to is None or item.session_epoch is None:
        return False
    return bound_to(record_item) == (item.sent_to, int(item.session_epoch))


def bound_condition(model, record_item):
    """Condition: the record still has the address and session epoch it had when read."""
    epoch, address = record_item.session_epoch, record_item.invitation_address
    attribute = model.invitation_address_attribute()
    return ((model.session_epoch.does_not_exist() if epoch is None else model.session_epoch == epoch)
            & (attribute.does_not_exist() if address is None else attribute == address))


def _awaiting_condition(model, token_hash: str, record_item):
    """The record as `_resolve` read it: still invited, by this token, at the same
    address and session epoch (a change committed meanwhile wins)."""
    return ((model.invitation_token_hash == token_hash) & model.invited_condition()
            & bound_condition(model, record_item))


def read_bound(token: object, kinds: dict, invalid=token_invalid):
    """(token item, clinic, LoginRecord) for a live emailed-link token whose kind is
    one of `kinds` ({token kind: login kind, "staff" or "patient"}) and whose record
    is still bound to it (address and session epoch); else `invalid()`."""
    from chalicelib.auth import principals
    from chalicelib.clinics.records import Clinic
    from chalicelib.models import ClinicModel, TokenModel

    if not isinstance(token, str) or not 16 <= len(token) <= MAX_TOKEN_LENGTH:
        raise invalid()
    token_hash = hash_token(token)
    try:
        item = TokenModel.get(token_hash, consistent_read=True)
    except TokenModel.DoesNotExist:
        raise invalid() from None
    if item.kind not in kinds or item.expires_at is None or item.expires_at.timestamp() <= now():
        raise invalid()
    try:
        clinic = Clinic.from_model(ClinicModel.get(item.clinic_key))
    except ClinicModel.DoesNotExist:
        raise invalid() from None
    record = principals.load(kinds[item.kind], item.clinic_key, item.subject_id)
    if record is None or not _still_bound(item, record.item):
        raise invalid()
    return item, clinic, record


def _resolve(token: object):
    """(token item, clinic, LoginRecord) for a live invitation token, or token_invalid."""
    item, clinic, record = read_bound(token, {PATIENT_KIND: "patient", STAFF_KIND: "staff"})
    if record.item.invitation_token_hash != item.token_hash or not record.item.awaiting_invitation:
        raise token_invalid()
    return item, clinic, record


@dataclass
class Invitation:
    """A live invitation as the invited person sees it (before using it up)."""
    clinic: object
    record: object      # principals.LoginRecord
    expires_at: float


def lookup(token: object) -> Invitation:
    """What the set-password page shows, without using the token up."""
    item, clinic, record = _resolve(token)
    return Invitation(clinic, record, item.expires_at.timestamp())


def accept(token: object, password: object, info: RequestInfo) -> None:
    """Set the invited person's password (clinic policy) and activate the record;
    the token is used up in the same transaction. A weak password changes nothing."""
    from chalicelib.auth.passwords import check_policy, clinic_terms, hash_password
    from chalicelib.core.records import bump, write
    from chalicelib.models import TokenModel
    item, clinic, record = _resolve(token)
    check_policy(password, clinic.settings, record.user_inputs, clinic_terms(clinic.clinic_id, clinic.name))
    at = now()
    model = type(record.item)
    actions = [model.password_hash.set(hash_password(password)), model.force_password_change.set(False),
               model.password_changed_at.set(at), model.invitation_status.set("accepted"),
               model.invitation_token_hash.remove(), model.invitation_expires_at.remove(),
               model.updated_at.set(at), bump(model)] + record.item.activation_actions()

    def build(tx):
        tx.delete("token", TokenModel(item.token_hash), condition=TokenModel.token_hash.exists())
        tx.update("record", record.item, actions=actions,
                  condition=_awaiting_condition(model, item.token_hash, record.item))
        if item.kind == PATIENT_KIND:
            from chalicelib.portal_accounts.grants import follow_login_status

            follow_login_status(tx, record.item, "active")
        tx.audit(audit.event(clinic.clinic_key, "invitation_accepted", info=info, outcome="succeeded",
                             actor={"kind": record.kind, "username": record.username},
                             subject={"kind": record.kind, "id": record.subject_id}))

    # Used at the same moment, or replaced: the link no longer works.
    write(build, failed={"token": token_invalid, "record": token_invalid})
