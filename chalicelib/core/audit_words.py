"""The audit log in plain words: the event kinds the code writes (the audit page's
kind filter) and one sentence per event ("Jane Doe reset the password of
ann@example.com"). The one place events become words: the JSON list carries the
sentence as `description`, the CSV export uses the same.

A sentence says only what the event holds: who (the name recorded with the actor,
else the username), what, and to whom (the subject's username). Never a password,
a token or a detail the event does not carry. An unknown kind still reads sensibly.
"""
from __future__ import annotations

# Every event kind the code writes, with its label for the page's filter.
KINDS: dict[str, str] = {
    "login": "Sign-in",
    "logout": "Sign-out",
    "session_ended": "Session signed out (own, from Where you're signed in)",
    "sessions_ended_elsewhere": "Signed out everywhere else",
    "staff_session_ended": "Staff member's session ended",
    "password_change": "Password change (own)",
    "password_reset_requested": "Password reset asked for (forgot password)",
    "password_reset_by_email": "Password reset by email link",
    "username_reminder": "Username reminder asked for",
    "staff_unlocked": "Staff member unlocked",
    "portal_account_unlocked": "Portal login unlocked",
    "mfa_enabled": "Two-factor authentication turned on",
    "mfa_disabled": "Two-factor authentication turned off",
    "mfa_recovery_codes_regenerated": "Two-factor recovery codes made again",
    "staff_mfa_reset": "Staff member's two-factor authentication reset",
    "portal_account_mfa_reset": "Portal login's two-factor authentication reset",
    "reauth": "Identity confirmed again (password or code)",
    "passkey_added": "Passkey added",
    "passkey_renamed": "Passkey renamed",
    "passkey_removed": "Passkey removed",
    "staff_passkeys_removed": "Staff member's passkeys removed",
    "portal_account_passkeys_removed": "Portal login's passkeys removed",
    "invitation_email": "Invitation email",
    "invitation_resent": "Invitation resent",
    "invitation_accepted": "Invitation accepted",
    "staff_created": "Staff member added",
    "staff_updated": "Staff member changed",
    "staff_enabled": "Staff member enabled",
    "staff_disabled": "Staff member disabled",
    "staff_password_reset": "Staff password reset",
    "portal_account_created": "Portal account set up",
    "portal_account_updated": "Portal account changed",
    "portal_account_enabled": "Portal account enabled",
    "portal_account_disabled": "Portal account disabled",
    "portal_account_password_reset": "Portal account password reset",
    "portal_account_deleted": "Portal account deleted",
    "access_grant_created": "Patient access added",
    "access_grant_updated": "Patient access changed",
    "access_grant_enabled": "Patient access enabled",
    "access_grant_disabled": "Patient access disabled",
    "access_grant_removed": "Patient access removed",
    "access_added_email": "Access added email",
    "patient_created": "Patient added",
    "patient_updated": "Patient details changed",
    "patient_withdrawn": "Patient withdrawn by the EHR",
    "integration_key_created": "Integration key created",
    "integration_key_revoked": "Integration key revoked",
    "form_request_created": "Form requested",
    "form_request_cancelled": "Form request cancelled",
    "form_request_completed": "Form completed",
    "form_draft_saved": "Form draft saved",
    "form_request_submitted": "Form submitted",
    "form_request_reviewed": "Form marked reviewed",
    "form_template_created": "Form template added",
    "form_template_updated": "Form template changed",
    "form_template_archived": "Form template archived",
    "form_template_restored": "Form template restored",
    "document_uploaded": "Document uploaded (results and visit summaries)",
    "document_values_set": "Test result values entered",
    "document_released": "Document released to the patient",
    "document_replaced": "Document replaced by the EHR (before release)",
    "document_withdrawn": "Document withdrawn by the EHR (before release)",
    "section_viewed": "Patient records viewed (access log)",
    "patient_record_viewed": "Patient details viewed (access log)",
    "message_conversation_started": "Conversation started (secure messages)",
    "message_sent": "Secure message sent",
    "message_conversation_assigned": "Conversation assigned",
    "message_conversation_closed": "Conversation closed",
    "message_conversation_reopened": "Conversation reopened",
    "appointment_booked": "Appointment booked",
    "appointment_moved": "Appointment moved or changed",
    "appointment_cancelled": "Appointment cancelled",
    "appointment_status_changed": "Appointment status changed",
    "appointment_requested": "Appointment requested",
    "appointment_request_declined": "Appointment request declined",
    "medication_added": "Medication added",
    "medication_changed": "Medication changed",
    "medication_deactivated": "Medication made inactive",
    "medication_reactivated": "Medication made active again",
    "medication_withdrawn": "Medication withdrawn by the EHR",
    "refill_requested": "Refill requested",
    "refill_approved": "Refill approved",
    "refill_denied": "Refill denied",
    "statement_created": "Billing statement added",
    "statement_updated": "Billing statement changed by the EHR",
    "statement_withdrawn": "Billing statement withdrawn by the EHR",
    "payment_recorded": "Payment recorded",
    "clinic_settings_updated": "Clinic settings changed",
    "audit_exported": "Audit log exported",
}

OUTCOMES = {
    "succeeded": "Succeeded",
    "failed": "Failed",
    "locked": "Refused (locked)",
    "portal_access_disabled": "Refused (Staff Portal access off)",
    "sent": "Sent",
    "refused": "Nothing sent",
}

REASONS = {
    "wrong_password": "wrong password",
    "unknown_user": "unknown username",
    "account_disabled": "account disabled",
    "wrong_current_password": "wrong current password",
    "no_email": "no email address",
    "invitation_pending": "invitation not yet accepted",
    "portal_access_disabled": "Staff Portal access off",
    "unknown_email": "no staff member uses that email",
    "wrong_code": "wrong two-factor code",
    "code_already_used": "two-factor code already used",
    "wrong_password_or_code": "wrong password or code",
    "unknown_passkey": "a passkey this clinic does not know",
    "challenge_invalid": "passkey sign-in expired or already used",
    "passkey_invalid": "the passkey's answer did not check out",
    "passkey_removed": "a removed passkey",
    "wrong_login_type": "wrong login tab",
}

FIELDS = {
    "first_name": "first name", "last_name": "last name", "email": "email", "roles": "roles",
    "portal_access": "Staff Portal access", "access_type": "access type", "permissions": "permissions",
    "force_password_change": "required password change",
    "date_of_birth": "date of birth", "phone": "phone", "address_line1": "address",
    "address_line2": "address (line 2)", "city": "city", "region": "state or region",
    "postal_code": "postal code", "expires_on": "access end date",
}

_SENTENCES = {
    "staff_created": "{who} added staff member {subject}",
    "staff_enabled": "{who} enabled staff member {subject}",
    "staff_disabled": "{who} disabled staff member {subject}",
    "staff_password_reset": "{who} reset the password of {subject}",
    "portal_account_enabled": "{who} enabled the portal account of {subject}",
    "portal_account_disabled": "{who} disabled the portal account of {subject}",
    "portal_account_password_reset": "{who} reset the password of {subject}",
    "portal_account_deleted": "{who} deleted the portal account of {subject}",
    "invitation_resent": "{who} sent {subject} a new invitation",
    "invitation_accepted": "{who} accepted their invitation and chose a password",
    "password_reset_by_email": "{who} chose a new password with a reset link",
    "staff_unlocked": "{who} unlocked staff member {subject}",
    "portal_account_unlocked": "{who} unlocked the portal login of {subject}",
    "staff_mfa_reset": "{who} reset the two-factor authentication of staff member {subject}",
    "portal_account_mfa_reset": "{who} reset the two-factor authentication of the portal login of {subject}",
    "logout": "{who} signed out",
    "session_ended": "{who} signed out one of their sessions",
    "sessions_ended_elsewhere": "{who} signed out everywhere else",
    "staff_session_ended": "{who} ended a session of staff member {subject}",
    "passkey_added": "{who} added a passkey",
    "passkey_renamed": "{who} renamed a passkey",
    "passkey_removed": "{who} removed a passkey",
    "staff_passkeys_removed": "{who} removed every passkey of staff member {subject}",
    "portal_account_passkeys_removed": "{who} removed every passkey of the portal login of {subject}",
}


def _text(value, limit: int = 120) -> str:
    """A value from the event as text: one line, bounded."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _map(value) -> dict:
    if value is None:
        return {}
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


def who(actor: dict) -> str:
    if actor.get("name"):
        return _text(actor["name"])
    return _text(actor.get("username") or "Someone")


def whom(subject: dict) -> str:
    return _text(subject.get("username") or subject.get("id") or "someone")


def _changed(details: dict, names=None) -> str:
    if names is None:
        names = _map(details.get("changes"))
    names = [FIELDS.get(name, name.replace("_", " ")) for name in names]
    if not names:
        return "details"
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _login(actor: dict, outcome, details: dict) -> str:
    name = _text(actor.get("username") or "someone")
    portal = " to the patient portal" if actor.get("kind") == "patient" else ""
    if outcome == "succeeded":
        return f"{who(actor)} signed in{portal}" + (" with a passkey" if details.get("method") == "passkey" else "")
    if outcome == "locked":
        return f"Sign-in refused for {name}{portal} (too many failed attempts)"
    if outcome == "mfa_required":
        return f"{who(actor)} gave the right password{portal}; a two-factor code was asked for"
    if outcome == "portal_access_disabled":
        return f"Sign-in refused for {name} (Staff Portal access is off)"
    reason = REASONS.get(details.get("reason"))
    return f"Failed sign-in for {name}{portal}" + (f" ({reason})" if reason else "")


_MFA_OWN = {
    "mfa_enabled": "turn on two-factor authentication",
    "mfa_disabled": "turn off two-factor authentication",
    "mfa_recovery_codes_regenerated": "make new two-factor recovery codes",
}

_GRANT_VERBS = {
    "access_grant_created": "gave {to} access to {patient}",
    "access_grant_enabled": "enabled the access of {to} to {patient}",
    "access_grant_disabled": "disabled the access of {to} to {patient}",
    "access_grant_removed": "removed the access of {to} to {patient}",
}


def _grant(kind: str, by: str, to: str, details: dict) -> str:
    """An access grant event: one login's access to one patient."""
    patient = details.get("patient_id")
    patient = f"patient {_text(patient)}" if patient else "a patient"
    if kind == "access_grant_updated":
        return f"{by} changed the {_changed(details)} of the access of {to} to {patient}"
    verb = _GRANT_VERBS.get(kind)
    if verb is None:
        return f"{_text(kind, 60).replace('_', ' ').capitalize()} by {by} for {to}"
    return f"{by} " + verb.format(to=to, patient=patient)


def _section_of(details: dict) -> str:
    """ "Ben Lee's messages": the patient (by name, else id) and the section's words."""
    from chalicelib.sections import BY_ID

    name = details.get("patient_name") or (f"patient {details['patient_id']}" if details.get("patient_id") else None)
    section = BY_ID.get(details.get("section"))
    what = section.noun if section else (_text(details.get("section"), 60).replace("_", " ") or "records")
    return f"{_text(name)}'s {what}" if name else f"a patient's {what}"


_DOCUMENT_VERBS = {"document_uploaded": "uploaded", "document_values_set": "entered the values of",
                   "document_released": "released", "document_replaced": "replaced",
                   "document_withdrawn": "withdrew"}

_MESSAGE_VERBS = {
    "message_conversation_started": "started a conversation in {of}",
    "message_sent": "sent a message in {of}",
    "message_conversation_closed": "closed a conversation in {of}",
    "message_conversation_reopened": "reopened a conversation in {of}",
}


def _message(kind: str, by: str, details: dict) -> str:
    """A secure-messages event: never the subject or the text (the event holds neither)."""
    of = _section_of(details)
    if kind == "message_conversation_assigned":
        to = details.get("assigned_name") or details.get("assigned_to")
        return f"{by} assigned a conversation in {of} to {_text(to)}" if to else \
            f"{by} moved a conversation in {of} back to the unassigned box"
    verb = _MESSAGE_VERBS.get(kind)
    if verb is None:
        return f"{_text(kind, 60).replace('_', ' ').capitalize()} by {by}"
    return f"{by} " + verb.format(of=of)


def describe(kind: str, outcome, actor, subject, details) -> str:
    """One sentence for an event."""
    actor, subject, details = _map(actor), _map(subject), _map(details)
    by, to = who(actor), whom(subject)
    if kind == "login":
        return _login(actor, outcome, details)
    if kind == "password_change":
        if outcome == "failed":
            reason = REASONS.get(details.get("reason"))
            return f"{by} tried to change their password" + (f" ({reason})" if reason else "")
        return f"{by} changed their password"
    if kind == "reauth":
        if outcome == "failed":
            return f"{by} tried to confirm it was them (wrong password or code)"
        return f"{by} confirmed it was them (password or code again)"
    if kind in _MFA_OWN:
        if outcome == "failed":
            return f"{by} tried to {_MFA_OWN[kind]} (wrong two-factor code or password)"
        return f"{by} " + _MFA_OWN[kind].replace("turn", "turned").replace("make", "made")
    if kind == "password_reset_requested":
        name = _text(actor.get("username") or "someone")
        if outcome == "succeeded":
            return f"Password reset link sent to {name} (forgot password)"
        reason = REASONS.get(details.get("reason"))
        return f"Password reset asked for {name}; nothing sent" + (f" ({reason})" if reason else "")
    if kind == "username_reminder":
        if outcome == "succeeded":
            return f"Username reminder sent to {to}" if subject else "Username reminder sent (several usernames)"
        return "Username reminder asked for an email no staff member uses; nothing sent"
    if kind == "invitation_email":
        address = _text(details.get("to") or to)
        return (f"The invitation email to {address} could not be sent" if outcome == "failed"
                else f"Invitation email sent to {address}")
    if kind in ("staff_updated", "portal_account_updated"):
        what = "staff member" if kind == "staff_updated" else "the portal account of"
        return f"{by} changed the {_changed(details)} of {what} {to}"
    if kind in ("patient_created", "patient_updated"):
        patient = f"patient {_text(subject.get('id') or 'unknown')}"
        if kind == "patient_created":
            return f"{by} added {patient}"
        fields = details.get("fields")
        return f"{by} changed the {_changed(details, list(fields) if isinstance(fields, list) else [])} of {patient}"
    if kind == "patient_withdrawn":
        return f"{by} withdrew patient {_text(subject.get('id') or 'unknown')}"
    if kind.startswith("integration_key_"):
        verb = "created" if kind == "integration_key_created" else "revoked"
        return f"{by} {verb} the integration key “{_text(details.get('key_name') or 'unnamed')}”"
    if kind == "portal_account_created":
        patient = details.get("patient_id")
        return f"{by} set up a portal account for {to}" + (f" (patient {_text(patient)})" if patient else "")
    if kind.startswith("access_grant_"):
        return _grant(kind, by, to, details)
    if kind == "access_added_email":
        address = _text(details.get("to") or to)
        return (f"The access added email to {address} could not be sent" if outcome == "failed"
                else f"Access added email sent to {address}")
    if kind.startswith("form_request_"):
        form = details.get("form_name")
        form = f"“{_text(form)}”" if form else "a form"
        if kind == "form_request_created":
            return f"{by} asked {to} to fill in {form}"
        if kind == "form_request_cancelled":
            return f"{by} cancelled the request for {form}"
        if kind in ("form_request_completed", "form_request_submitted"):
            return f"{by} submitted {form}"
        if kind == "form_request_reviewed":
            return f"{by} marked {form} reviewed"
    if kind == "form_draft_saved":
        form = details.get("form_name")
        return f"{by} saved a draft of " + (f"“{_text(form)}”" if form else "a form")
    if kind.startswith("form_template_"):
        form = details.get("form_name")
        form = f"the form template “{_text(form)}”" if form else "a form template"
        verb = {"form_template_created": "added", "form_template_updated": "changed",
                "form_template_archived": "archived", "form_template_restored": "restored"}.get(kind, "changed")
        return f"{by} {verb} {form}"
    if kind.startswith("appointment_"):
        return _appointment(kind, by, details)
    if kind in _DOCUMENT_VERBS:
        title = details.get("title")
        what = f"“{_text(title)}”" if title else "a document"
        return f"{by} {_DOCUMENT_VERBS[kind]} {what} in {_section_of(details)}"
    if kind == "section_viewed":
        return f"{by} viewed {_section_of(details)}"
    if kind == "patient_record_viewed":
        return f"{by} viewed {_section_of(dict(details, section='details'))}"
    if kind.startswith("message_"):
        return _message(kind, by, details)
    if kind == "clinic_settings_updated":
        names = [name.replace("_", " ") for name in _map(details.get("changes"))]
        return f"{by} changed the clinic settings" + (f" ({', '.join(names)})" if names else "")
    if kind == "audit_exported":
        rows = details.get("rows")
        return f"{by} exported the audit log" + (f" ({_text(rows)} events)" if rows is not None else "")
    if kind in _SENTENCES:
        return _SENTENCES[kind].format(who=by, subject=to)
    # An event this page does not know yet: its kind in words, who and to whom.
    text = f"{_text(kind, 60).replace('_', ' ').capitalize()} by {by}"
    return text + (f" for {to}" if subject else "")


def outcome_words(outcome) -> str:
    if outcome is None:
        return ""
    return OUTCOMES.get(outcome, _text(str(outcome).replace("_", " "), 60))


def _appointment(kind: str, by: str, details: dict) -> str:
    """"Frank Smith booked an appointment for patient P100 (2026-12-03T09:30:00Z)"."""
    patient = details.get("patient_id")
    whose = f" for patient {_text(patient)}" if patient else ""
    start = details.get("start")
    at = f" ({_text(start)})" if start else ""
    if kind == "appointment_booked":
        return f"{by} booked an appointment{whose}{at}"
    if kind == "appointment_moved":
        return f"{by} moved or changed an appointment{whose}{at}"
    if kind == "appointment_cancelled":
        return f"{by} cancelled an appointment{whose}{at}"
    if kind == "appointment_status_changed":
        status = (details.get("status") or {}).get("after") if isinstance(details.get("status"), dict) else None
        return f"{by} set an appointment{whose}{at} to {_text(status)}" if status else \
            f"{by} changed an appointment's status{whose}"
    if kind == "appointment_requested":
        return f"{by} requested an appointment{whose}"
    if kind == "appointment_request_declined":
        return f"{by} declined an appointment request{whose}"
    return f"{by} changed an appointment{whose}"
