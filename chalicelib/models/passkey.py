from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class PasskeyOwnerIndex(GlobalSecondaryIndex):
    """One person's passkeys, oldest first (the security page's list, "Remove all")."""

    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner_key = UnicodeAttribute(hash_key=True)     # the session principal: "<clinic_key>#<kind>#<subject_id>"
    created_key = UnicodeAttribute(range_key=True)  # "<created_at, 12 digits>#<passkey_id>"


class PasskeyModel(PortalModel):
    """A WebAuthn credential of a staff member or portal login (auth/passkeys/).

    Keyed by clinic and `passkey_id` (the base64url SHA-256 of the credential id),
    so a sign-in finds the credential it is shown with one GetItem in its own
    clinic only; another clinic's credential is simply not there. Nothing secret:
    the public key (COSE, base64url), the sign counter, the transports the browser
    reported, a name the person chose. It works only while its `generation` is the
    person's `passkey_generation`."""

    class Meta:
        short_name = "passkeys"

    passkey_key = UnicodeAttribute(hash_key=True)    # "<clinic_key>#<passkey_id>"
    passkey_id = UnicodeAttribute()
    clinic_key = UnicodeAttribute()
    owner_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    kind = UnicodeAttribute()                        # "staff" | "patient"
    subject_id = UnicodeAttribute()
    credential_id = UnicodeAttribute()               # base64url, as the browser names it
    public_key = UnicodeAttribute()                  # COSE key, base64url
    sign_count = NumberAttribute(default=0)
    transports = ListAttribute(of=UnicodeAttribute, default=list)
    user_handle = UnicodeAttribute()
    name = UnicodeAttribute()
    backed_up = BooleanAttribute(default=False)      # a synced passkey (iCloud, Google)
    generation = NumberAttribute(default=0)
    created_at = NumberAttribute()
    last_used_at = NumberAttribute(null=True)
    by_owner = PasskeyOwnerIndex()
