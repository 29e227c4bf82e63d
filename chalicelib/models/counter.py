from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class LoginCounterModel(PortalModel):
    """Login-attempt counter: per username ("user#..."), per source IP and window
    ("ip#..."), or per device cookie ("device#<clinic_key>#<SHA-256 of the cookie>"):
    a device item is also the cookie's server-side record (whom it was issued to,
    until when), see chalicelib/auth/devices.py.

    `attempts` = slots taken = `failures` + `pending` (taken, password not yet
    settled); kept as its own attribute because a condition cannot add. Only ever
    changed with atomic `ADD`s and conditional updates; never read-modify-write.
    See chalicelib/auth/lockout.py.
    """

    class Meta:
        short_name = "login_counters"

    counter_key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    last_failure_at = NumberAttribute(null=True)
    attempts = NumberAttribute(null=True)
    pending = NumberAttribute(null=True)       # username counters only
    pending_at = NumberAttribute(null=True)    # when the latest pending slot was taken
    generation = NumberAttribute(null=True)    # bumped by each successful login
    # Device cookies only: the username counter key it vouches for, and the person
    # it was issued to ("<kind>#<subject_id>#<created_at>#<session_epoch>").
    device_user = UnicodeAttribute(null=True)
    device_person = UnicodeAttribute(null=True)
    issued_at = NumberAttribute(null=True)
    expires_at = TTLAttribute()
