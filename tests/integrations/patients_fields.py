"""The patients resource's wire fields, as the tests send them."""
from chalicelib.integrations.patients import IntegrationPatientBody

FIELDS = list(IntegrationPatientBody.specs())
REQUIRED = list(IntegrationPatientBody.required_names())
