"""The password policy refuses the clinic's name and Clinic ID, like the username."""
import pytest

from chalicelib.auth.passwords import CLINIC_TERM_MIN, PasswordPolicyError, check_policy, clinic_terms
from chalicelib.clinics.records import ClinicSettings
from tests.conftest import DESK_PW
from tests.portal_helpers import accept, invite_rep, signed_in

SUNRISE_TERMS = clinic_terms("SUNRISE", "Sunrise Family Clinic")


@pytest.mark.parametrize("password", [
    "violet-SUNRISE-lantern-97",       # the Clinic ID, any case
    "harbor sunrise lantern pickle",
    "Sun-Rise-harbor-lantern-97",      # split up by separators
    "sunrisefamilyclinic!harbor",       # the whole name
])
def test_a_password_with_the_clinics_name_or_id_is_refused(password):
    with pytest.raises(PasswordPolicyError) as caught:
        check_policy(password, ClinicSettings(), ["SmithF"], SUNRISE_TERMS)
    assert "clinic's name or Clinic ID" in caught.value.message


def test_generic_and_short_words_of_a_name_are_not_refused():
    terms = clinic_terms("BAY", "Bay Family Clinic")
    # "Bay" is too short (under CLINIC_TERM_MIN letters), "Family" and "Clinic" are every clinic's:
    # only the whole name is left.
    assert CLINIC_TERM_MIN == 4 and terms == ["bayfamilyclinic"]
    assert check_policy("family-bay-harbor-lantern-97", ClinicSettings(), ["SmithF"], terms)
    assert check_policy("violet-harbor-lantern-97", ClinicSettings(), ["SmithF"], SUNRISE_TERMS)


def test_changing_to_a_password_with_the_clinic_id_answers_400(gateway, seeded):
    frank = signed_in(gateway, "SmithF", DESK_PW)
    r = frank.post("/api/me/password", json={"current_password": DESK_PW,
                                              "new_password": "Violet-Sunrise-Lantern-97"})
    assert r.status == 400 and r.json()["error"] == "password_policy"
    assert "Clinic ID" in r.json()["message"]
    assert signed_in(gateway, "SmithF", DESK_PW)  # unchanged


def test_an_invitation_refuses_the_clinics_name(gateway, seeded):
    desk = signed_in(gateway, "SmithF", DESK_PW)
    _, token = invite_rep(desk)
    r = accept(gateway.browser(), token, password="harbor-sunrise-pickle-lantern")
    assert r.status == 400 and r.json()["error"] == "password_policy"
    assert accept(gateway.browser(), token).status == 204


def test_admin_cli_refuses_the_new_clinics_name(aws):
    import io
    from types import SimpleNamespace

    from infra.admin import create_clinic

    args = SimpleNamespace(clinic_id="RIVERBEND", name="Riverbend Clinic", admin_username="AdamsB",
                           admin_email="b@riverbend.example", admin_first_name="Bea", admin_last_name="Adams")
    with pytest.raises(SystemExit, match="Clinic ID"):
        create_clinic(args, io.StringIO("riverbend-harbor-lantern-97\n"))


def test_me_states_the_rules_of_a_pending_password_change(gateway, seeded, admin):
    r = admin.post("/api/clinics/SUNRISE/staff", json={"username": "NewN", "first_name": "Nia", "last_name": "New",
                                                       "roles": ["clinician"], "force_password_change": True})
    assert r.status == 201
    nia = signed_in(gateway, "NewN", r.json()["credentials"]["temporary_password"])
    me = nia.get("/api/me").json()
    assert me["password_change_required"] is True
    assert me["password_policy"] == {"min_length": 12, "min_classes": 0}
    assert me["idle_timeout_minutes"] == 30
    assert "password_policy" not in signed_in(gateway, "SmithF", DESK_PW).get("/api/me").json()
