"""PynamoDB models, one module per table. Importing this package binds nothing."""
from chalicelib.models.access_grant import AccessGrantModel, GrantStatus, SelfGrantClaimModel
from chalicelib.models.appointment import (
    AppointmentDayModel,
    AppointmentModel,
    AppointmentRequestModel,
    AppointmentSlotModel,
)
from chalicelib.models.audit import AuditEventModel
from chalicelib.models.base import all_models, bind, connection, unbind
from chalicelib.models.clinic import ClinicModel
from chalicelib.models.conversation import ConversationModel
from chalicelib.models.counter import LoginCounterModel
from chalicelib.models.document import DocumentModel
from chalicelib.models.form_request import FormRequestModel
from chalicelib.models.form_template import FormTemplateModel
from chalicelib.models.integration import ExternalRecordModel, IntegrationKeyModel
from chalicelib.models.medication import MedicationModel, RefillRequestModel
from chalicelib.models.passkey import PasskeyModel
from chalicelib.models.patient import PatientModel
from chalicelib.models.portal_account import AccountStatus, PortalAccountModel, PortalUsernameModel
from chalicelib.models.section_counter import SectionCounterModel
from chalicelib.models.session import SessionModel
from chalicelib.models.staff import StaffModel, StaffStatus
from chalicelib.models.statement import StatementModel
from chalicelib.models.token import TokenModel

__all__ = [
    "AppointmentDayModel", "AppointmentModel", "AppointmentRequestModel", "AppointmentSlotModel",
    "AccessGrantModel", "GrantStatus", "SelfGrantClaimModel",
    "AccountStatus", "StaffStatus", "AuditEventModel", "ClinicModel", "ConversationModel", "DocumentModel",
    "FormRequestModel",
    "FormTemplateModel", "ExternalRecordModel", "IntegrationKeyModel",
    "LoginCounterModel", "MedicationModel", "RefillRequestModel", "StatementModel",
    "PasskeyModel", "PatientModel",
    "PortalAccountModel", "PortalUsernameModel", "SectionCounterModel", "SessionModel", "StaffModel",
    "TokenModel", "all_models", "bind", "connection", "unbind",
]
