"""Appointments and schedules (issue 13, point 1). See docs/architecture.md,
"Sections: Appointments".

- `times`: start times, 5-minute slots, day and start keys, words for a time.
- `booking`: staff book, move, cancel and set the status (`appointments.manage`),
  race-safe against double-booking a provider (slot claims in the same transaction).
- `upcoming`: the patient counter's list of upcoming appointments (the home's "Next: ...").
- `schedule`: the day and week views (one Query each), the providers, a clinician's own day.
- `patient`: the patient side (upcoming, past, cancel outside the window, requests).
- `requests`: the staff queue of appointment requests (book from one, decline with a note).
- `reminders`: the day-before reminder emails (a scheduled function and a command).

Statuses are FHIR R4 Appointment.status codes where one exists:

    booked     booked (the default)
    arrived    the patient has arrived
    fulfilled  completed: the visit took place
    cancelled  cancelled (by staff, or by the patient outside the window)
    noshow     the patient did not come
"""
SECTION = "appointments"
PERMISSION = "appointments.manage"
STATUSES = ("booked", "arrived", "fulfilled", "cancelled", "noshow")
# What staff may set with the status action (cancelling has its own action: it frees the time).
SETTABLE = ("booked", "arrived", "fulfilled", "noshow")
STATUS_WORDS = {"booked": "Booked", "arrived": "Arrived", "fulfilled": "Completed",
                "cancelled": "Cancelled", "noshow": "No-show"}
PROVIDER_ROLE = "clinician"
