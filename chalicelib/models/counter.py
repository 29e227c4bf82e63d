from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class LoginCounterModel(PortalModel):
    """Failed-login counter: per username ("user#...") or per source IP and window ("ip#...").

    Only ever changed with atomic `ADD`; never read-modify-write.
    """

    class Meta:
        short_name = "login_counters"

    counter_key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    last_failure_at = NumberAttribute(null=True)
    expires_at = TTLAttribute()
