from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class TokenModel(PortalModel):
    """A single-use token (local CAPTCHA, invitation, password reset, a passkey ceremony's
    challenge), stored only as its SHA-256."""

    class Meta:
        short_name = "tokens"

    token_hash = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    clinic_key = UnicodeAttribute()
    subject_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    expires_at = TTLAttribute()
    # Invitations only: what the link was sent for, the address (normalised) and the
    # person's session epoch then; the link works only while the record still has both.
    sent_to = UnicodeAttribute(null=True)
    session_epoch = NumberAttribute(null=True)
    # Two-factor tokens only: the password step came from a browser its device cookie
    # vouched for (no "sign-in from a new browser" email after the second step).
    device_trusted = BooleanAttribute(null=True)
    # Passkey registration challenges only: the WebAuthn user handle offered (the
    # person's own, or a new one that the registration stores on the record).
    user_handle = UnicodeAttribute(null=True)
