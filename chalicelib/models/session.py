from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.models.base import PortalModel


class SessionPrincipalIndex(GlobalSecondaryIndex):
    """Sessions of one principal ("<clinic_key>#<kind>#<subject_id>"), to end them all."""

    class Meta:
        index_name = "by_principal"
        projection = KeysOnlyProjection()

    principal_key = UnicodeAttribute(hash_key=True)


class SessionModel(PortalModel):
    """A signed-in session. Keyed by SHA-256 of the token; the token itself is never stored.

    It carries everything `/api/me` answers with and the person's `session_epoch`
    at login; each request reads it together with the person's record in one
    TransactGetItems (`auth.sessions.load_session`).
    """

    class Meta:
        short_name = "sessions"

    token_hash = UnicodeAttribute(hash_key=True)
    principal_key = UnicodeAttribute()
    clinic_key = UnicodeAttribute()
    clinic_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # "staff" | "patient"
    subject_id = UnicodeAttribute()
    username = UnicodeAttribute()
    display_name = UnicodeAttribute()
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    permissions = ListAttribute(of=UnicodeAttribute, default=list)
    # The patient selected for this session (portal logins): remembered, not trusted;
    # each patient-side request checks its own grant.
    patient_id = UnicodeAttribute(null=True)
    patient_name = UnicodeAttribute(null=True)
    access_type = UnicodeAttribute(null=True)
    password_change_required = BooleanAttribute(default=False)
    # The clinic requires 2FA of this person and they have not set it up: until they
    # do, the session reaches only the enrolment (like a forced password change).
    mfa_enrolment_required = BooleanAttribute(default=False)
    session_epoch = NumberAttribute(default=0)  # the person's session_epoch when it started
    created_at = NumberAttribute()
    last_seen_at = NumberAttribute()
    idle_timeout_s = NumberAttribute()
    absolute_expires_at = NumberAttribute()
    expires_at = TTLAttribute()
    # For "Where you're signed in" (auth/session_list.py): an opaque id for URLs (never
    # the token or its hash), and the browser and address the login came from.
    session_id = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    # When the person last proved who they are in this session (auth/reauth.py): a
    # password or 2FA check (POST /api/me/reauth). Adding a passkey needs one within
    # RECENT_S, or a session started that recently (`created_at`).
    reauth_at = NumberAttribute(null=True)
    by_principal = SessionPrincipalIndex()
