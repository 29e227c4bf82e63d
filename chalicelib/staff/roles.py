"""Staff roles and the permissions they grant."""
# The staff side of the portal's sections: `messages.manage` = the clinic inbox (read,
# reply, assign, close); `forms.review` = read submitted forms and mark them reviewed.
# Form templates are defined by holders of `portal_accounts.manage`.
# `refills.manage` = the refill request queue (approve, deny); `medications.manage` =
# keep patients' medication lists (clinicians and admins); `billing.manage` = enter
# statements and record payments received (front desk and admins).
SECTION_WORK = frozenset({"messages.manage", "forms.review", "refills.manage"})
# `appointments.manage` = book, move and cancel appointments, and answer appointment
# requests (the schedule's day and week views). Clinicians see their own day on their
# home without it.
SCHEDULING = frozenset({"appointments.manage"})
# `documents.manage` = upload a patient's visit summaries and test results, enter a
# result's values and release them to the patient: admins and clinicians (releasing a
# result is a clinical decision, so the front desk does not hold it).
DOCUMENT_WORK = frozenset({"documents.manage"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"portal_accounts.manage", "patients.manage", "staff.manage", "audit.view",
                        "clinic.settings", "medications.manage", "billing.manage"})
    | SECTION_WORK | SCHEDULING | DOCUMENT_WORK,
    "clinician": frozenset({"medications.manage"}) | SECTION_WORK | DOCUMENT_WORK,
    "front_desk": frozenset({"portal_accounts.manage", "patients.manage", "billing.manage"})
    | SECTION_WORK | SCHEDULING,
}
ROLES = tuple(ROLE_PERMISSIONS)


def permissions_for(roles) -> list[str]:
    granted: set[str] = set()
    for role in roles or ():
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return sorted(granted)
