from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class ClinicModel(PortalModel):
    """A clinic. `clinic_key` is the case-folded Clinic ID; `clinic_id` keeps its canonical spelling."""

    class Meta:
        short_name = "clinics"

    clinic_key = UnicodeAttribute(hash_key=True)
    clinic_id = UnicodeAttribute()
    name = UnicodeAttribute()
    settings = MapAttribute(default=dict)
    created_at = NumberAttribute()
    revision = NumberAttribute(null=True)  # bumped by every settings change
    # Live (unrevoked) integration keys: ADDed with each new key, conditional on the
    # per-clinic limit (chalicelib/integrations/keys.py); never read-modify-write.
    integration_keys = NumberAttribute(null=True)
