from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class FormTemplateModel(PortalModel):
    """A form a clinic asks patients to fill in: its name, description and fields
    (`fields_json`, checked by `sections.forms.validation`). Edited with optimistic
    revisions; archived, never deleted (requests keep a snapshot of the version they
    were made with). One clinic's templates are one partition: the list is a Query."""

    class Meta:
        short_name = "form_templates"

    clinic_key = UnicodeAttribute(hash_key=True)
    template_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    fields_json = UnicodeAttribute()            # [{"key", "label", "type", "required", "help", "options"}]
    status = UnicodeAttribute()                 # "active" | "archived"
    revision = NumberAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = NumberAttribute()
    updated_at = NumberAttribute(null=True)
