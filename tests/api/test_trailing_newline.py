"""Identifiers are matched whole: Python's `$` also matches before a final newline,
so `re.match(r"^...$", "SUNRISE\\n")` succeeds; every pattern is used with
`fullmatch`, and an identifier with a trailing newline is refused."""
import pytest

from chalicelib.core import limits
from chalicelib.core.errors import InvalidRequest


@pytest.mark.parametrize("name,good", [("CLINIC_ID_RE", "SUNRISE"), ("PATIENT_ID_RE", "P100"),
                                       ("STAFF_USERNAME_RE", "DoeJ"), ("RECORD_ID_RE", "0" * 32),
                                       ("EMAIL_RE", "ann@example.com"), ("DATE_RE", "2026-12-01")])
def test_no_pattern_accepts_a_trailing_newline(name, good):
    from chalicelib.api.fields import Pattern

    rx = getattr(limits, name)
    assert rx.fullmatch(good) and not rx.fullmatch(good + "\n")
    with pytest.raises(InvalidRequest):
        Pattern(rx, "bad").parse("x", good + "\n")


def test_identifiers_with_a_newline_find_nothing(aws, seeded):
    """Keys are normalized (trimmed), so an id that passed a loose match would find
    the record of the id without the newline."""
    from chalicelib.clinics.records import get_clinic
    from chalicelib.core.errors import NotFound
    from chalicelib.patients.lookup import get_patient
    from chalicelib.staff.admin import get_staff

    clinic = get_clinic("SUNRISE")
    assert get_staff(clinic.clinic_key, "DoeJ").username == "DoeJ"
    for lookup in (lambda: get_clinic("SUNRISE\n"), lambda: get_staff(clinic.clinic_key, "DoeJ\n"),
                   lambda: get_patient(clinic, "P100\n")):
        with pytest.raises(NotFound):
            lookup()
