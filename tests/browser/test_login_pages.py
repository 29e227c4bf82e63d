"""The login pages and the signed-in home page in real Chromium, at 390x844
(phone, touch) and 1280x800 (desktop). Every test runs at both sizes; the
`page` fixture fails a test on any console error or uncaught exception (CSP
violations included)."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password

BAYVIEW = "Bayview Community Health"
HILLTOP = "Hilltop Medical Group"


# ---------------------------------------------------------------- helpers

def login_url(portal: str, clinic: str = "BAYVIEW", login_type: str = "Staff") -> str:
    return f"{portal}/?clinicID={clinic}&LoginType={login_type}"


def open_login(page, clinic: str = "BAYVIEW", login_type: str = "Staff") -> None:
    page.goto(f"/?clinicID={clinic}&LoginType={login_type}")
    expect(page.get_by_role("tab", name=f"{login_type} Login")).to_have_attribute("aria-selected", "true")


def log_in(page, username: str, password: str):
    """Fill the form, press Log in, and return the login response."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    assert_accessible(page)
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Log in").click()
    if info.value.status >= 400:
        # The answer has arrived, but the page may not have handled it yet (it clears the
        # password field then): wait for the form to be ready before the next attempt.
        expect(page.get_by_role("button", name="Log in", exact=True)).to_be_enabled()
    return info.value


def assert_no_horizontal_scroll(page, viewport) -> None:
    """The page fits the viewport, and (axe-core) has no WCAG 2.1 A/AA violation."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport.width, f"page is {width}px wide in a {viewport.width}px viewport"
    assert_accessible(page)


def alert(page):
    return page.get_by_role("alert")


def screenshot(page, directory: str, name: str, viewport) -> None:
    assert_accessible(page)
    page.screenshot(path=os.path.join(directory, f"{name}-{viewport.name}.png"), full_page=True)


# ---------------------------------------------------------------- Clinic ID step

def test_clinic_id_step(page, portal, viewport):
    page.goto("/")
    clinic_id = page.get_by_label("Clinic ID")
    expect(clinic_id).to_be_visible()
    expect(page.get_by_role("tab")).to_have_count(0)

    clinic_id.press("Enter")
    expect(alert(page)).to_have_text("Enter your Clinic ID.")
    assert_accessible(page)

    clinic_id.fill("NOSUCHCLINIC")
    clinic_id.press("Enter")  # a real form: Enter submits
    expect(alert(page)).to_contain_text("We couldn't find that Clinic ID")
    assert_accessible(page)
    expect(page).to_have_url(portal + "/")
    assert_no_horizontal_scroll(page, viewport)

    clinic_id.fill("  bayview ")
    clinic_id.press("Enter")
    expect(page.get_by_role("heading", name=BAYVIEW)).to_be_visible()
    # The address becomes the direct link, with the clinic's canonical id.
    expect(page).to_have_url(login_url(portal))
    expect(page.get_by_role("tab", name="Staff Login")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Username")).to_be_focused()
    expect(alert(page)).to_have_count(0)
    assert_accessible(page)

    # A way back to change clinic, keeping what was typed.
    page.get_by_role("link", name="Change clinic").click()
    expect(page.get_by_label("Clinic ID")).to_have_value("BAYVIEW")
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(page).to_have_url(portal + "/")


# ---------------------------------------------------------------- direct links

@pytest.mark.parametrize("query, selected, other, login_type", [
    ("clinicID=BAYVIEW&LoginType=Staff", "Staff Login", "Patient Login", "Staff"),
    ("clinicID=BAYVIEW&LoginType=Patient", "Patient Login", "Staff Login", "Patient"),
    ("clinicid=bayview&logintype=PATIENT", "Patient Login", "Staff Login", "Patient"),
    ("CLINICID=Bayview", "Staff Login", "Patient Login", "Staff"),
], ids=["staff", "patient", "lowercase-names", "default-staff"])
def test_direct_link_shows_clinic_and_tabs(page, portal, viewport, query, selected, other, login_type):
    page.goto("/?" + query)
    expect(page.get_by_role("heading", name=BAYVIEW)).to_be_visible()
    expect(page.get_by_label("Clinic ID")).to_be_hidden()  # the Clinic ID step is skipped
    expect(page.get_by_role("tablist")).to_be_visible()
    chosen = page.get_by_role("tab", name=selected, exact=True)
    unchosen = page.get_by_role("tab", name=other, exact=True)
    expect(chosen).to_have_attribute("aria-selected", "true")
    expect(unchosen).to_have_attribute("aria-selected", "false")
    panel_id = chosen.get_attribute("aria-controls")
    expect(page.locator(f"#{panel_id}")).to_have_attribute("role", "tabpanel")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_role("checkbox", name="I'm not a robot")).to_be_hidden()  # BAYVIEW has no CAPTCHA
    expect(page).to_have_url(login_url(portal, "BAYVIEW", login_type))
    assert_no_horizontal_scroll(page, viewport)

    # Arrow keys move between the tabs; the address follows.
    chosen.focus()
    page.keyboard.press("ArrowRight")
    expect(unchosen).to_have_attribute("aria-selected", "true")
    expect(unchosen).to_be_focused()
    expect(chosen).to_have_attribute("aria-selected", "false")
    expect(page).to_have_url(login_url(portal, "BAYVIEW", "Patient" if login_type == "Staff" else "Staff"))
    page.keyboard.press("ArrowLeft")
    expect(chosen).to_have_attribute("aria-selected", "true")
    expect(chosen).to_be_focused()


def test_direct_link_to_unknown_clinic_asks_for_the_clinic_id(page, portal, viewport):
    page.goto("/?clinicID=NOPE&LoginType=Staff")
    expect(alert(page)).to_contain_text("We couldn't find that Clinic ID")
    assert_accessible(page)
    expect(page.get_by_label("Clinic ID")).to_have_value("NOPE")


def test_old_bookmark_lands_on_staff_login(page, portal, viewport):
    response = page.goto("/index.aspx?clinicID=BAYVIEW&LoginType=Staff")
    first = response.request.redirected_from
    assert first is not None and first.url.endswith("/index.aspx?clinicID=BAYVIEW&LoginType=Staff")
    assert first.response().status == 302
    expect(page).to_have_url(login_url(portal))
    expect(page.get_by_role("heading", name=BAYVIEW)).to_be_visible()
    expect(page.get_by_role("tab", name="Staff Login")).to_have_attribute("aria-selected", "true")


# ---------------------------------------------------------------- logging in and out

def test_staff_login_home_and_logout(page, portal, viewport, screenshot_dir):
    open_login(page)
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "login", viewport)

    response = log_in(page, "greena", seed_password("GreenA"))  # usernames match case-insensitively
    assert response.status == 200
    expect(page).to_have_url(portal + "/home")
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()
    expect(page.get_by_text("Alice Green", exact=True)).to_be_visible()
    expect(page.get_by_text("GreenA", exact=True)).to_be_visible()
    expect(page.get_by_text(f"{BAYVIEW} (BAYVIEW)")).to_be_visible()
    logout = page.get_by_role("button", name="Log out", exact=True)
    expect(logout).to_be_visible()
    # An administrator's staff tools, each shown because the admin role grants it.
    links = page.locator("nav#staff-nav a")
    expect(links).to_have_text(["Messages inbox", "Submitted forms", "Schedule", "Appointment requests",
                                "Documents and results", "Refill requests", "Billing statements", "Patients",
                                "Set up a patient portal account", "User Management", "Form templates",
                                "Medications", "Staff", "Clinic settings",
                                "Integrations (EHR keys)", "Audit log"])
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "home", viewport)
    assert page.request.get(portal + "/api/me").status == 200

    logout.click()
    expect(page).to_have_url(login_url(portal))
    expect(page.get_by_role("tab", name="Staff Login")).to_have_attribute("aria-selected", "true")
    assert page.request.get(portal + "/api/me").status == 401

    # Home without a session goes back to this clinic's login page.
    page.goto("/home")
    expect(page).to_have_url(login_url(portal))


def test_patient_login_and_logout(page, portal, viewport):
    open_login(page, login_type="Patient")
    response = log_in(page, "Dana@Example.com", seed_password("dana@example.com"))
    assert response.status == 200
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()
    expect(page.get_by_text("Patient portal")).to_be_visible()
    expect(page.locator("nav#staff-nav")).to_be_hidden()
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(login_url(portal, login_type="Patient"))
    expect(page.get_by_role("tab", name="Patient Login")).to_have_attribute("aria-selected", "true")


def test_staff_credentials_on_patient_tab(page, portal, viewport):
    open_login(page, login_type="Patient")
    response = log_in(page, "GreenA", seed_password("GreenA"))
    assert response.status == 401
    message = alert(page)
    expect(message).to_contain_text("Incorrect username or password")
    expect(message).to_contain_text("Staff Login tab")
    expect(message).to_have_text(response.json()["message"])
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()

    # On the right tab the same credentials work.
    page.get_by_role("tab", name="Staff Login").click()
    expect(message).to_have_count(0)
    assert log_in(page, "GreenA", seed_password("GreenA")).status == 200
    expect(page).to_have_url(portal + "/home")


def test_portal_access_off_has_its_own_message(page, portal, viewport):
    open_login(page)
    response = log_in(page, "OrtizB", seed_password("OrtizB"))
    assert response.status == 403
    body = response.json()
    assert body["error"] == "portal_access_disabled"
    expect(alert(page)).to_have_text(body["message"])
    assert_accessible(page)
    expect(alert(page)).not_to_contain_text("Incorrect username")
    expect(page).to_have_url(login_url(portal))


def test_captcha_clinic(page, portal, viewport, screenshot_dir):
    open_login(page, clinic="HILLTOP")
    expect(page.get_by_role("heading", name=HILLTOP)).to_be_visible()
    robot = page.get_by_role("checkbox", name="I'm not a robot")
    expect(robot).to_be_visible()
    expect(robot).not_to_be_checked()
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "login-captcha", viewport)

    # Without ticking the box: the server asks for it.
    response = log_in(page, "ReyesC", seed_password("ReyesC"))
    assert response.status == 400 and response.json()["error"] == "captcha_invalid"
    expect(alert(page)).to_contain_text("I'm not a robot")
    assert_accessible(page)

    # A tick is good for one attempt: after a failure it must be ticked again.
    with page.expect_response(lambda r: r.url.endswith("/captcha/local-token")) as issued:
        robot.check()
    assert issued.value.status == 201
    response = log_in(page, "ReyesC", "not-the-password")
    assert response.status == 401
    assert response.request.post_data_json["captcha_token"] == issued.value.json()["token"]
    expect(robot).not_to_be_checked()

    with page.expect_response(lambda r: r.url.endswith("/captcha/local-token")):
        robot.check()
    response = log_in(page, "ReyesC", seed_password("ReyesC"))
    assert response.status == 200
    expect(page.get_by_role("heading", name="Welcome, Carmen")).to_be_visible()


FAKE_RECAPTCHA = """
(function () {
  var issued = 0;
  window.grecaptcha = {
    render: function (container, options) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Verify with fake reCAPTCHA";
      button.addEventListener("click", function () {
        issued += 1;
        options.callback("fake-recaptcha-token-" + issued);
      });
      container.appendChild(button);
      window.fakeRecaptcha = {siteKey: options.sitekey, resets: 0};
      return 7;
    },
    reset: function (id) { if (id === 7) { window.fakeRecaptcha.resets += 1; } }
  };
  var onload = new URL(document.currentScript.src).searchParams.get("onload");
  window[onload]();
}());
"""


def test_recaptcha_widget(page, portal, viewport, monkeypatch):
    """On a reCAPTCHA stage the page loads Google's script (explicit render, a
    named onload function, no inline code) under the CSP that stage sends. Here
    Google's script is replaced by a stand-in and the stage is simulated."""
    from chalicelib.api.pages import content_security_policy
    from chalicelib.core.settings import reset_settings

    monkeypatch.setenv("PORTAL_CAPTCHA_PROVIDER", "recaptcha")
    reset_settings()
    try:
        recaptcha_csp = content_security_policy()
    finally:
        monkeypatch.undo()
        reset_settings()

    def page_with_recaptcha_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": recaptcha_csp}
        route.fulfill(response=response, headers=headers)

    script_urls = []

    def google_script(route):
        script_urls.append(route.request.url)
        route.fulfill(body=FAKE_RECAPTCHA, content_type="text/javascript")

    def clinic_on_recaptcha_stage(route):
        route.fulfill(json={"clinic_id": "HILLTOP", "name": HILLTOP,
                            "captcha": {"required": True, "provider": "recaptcha", "site_key": "test-site-key"}})

    page.route(lambda url: url.startswith(portal + "/?"), page_with_recaptcha_csp)
    page.route("https://www.google.com/recaptcha/api.js*", google_script)
    page.route(lambda url: url.rstrip("/").endswith("/api/clinics/HILLTOP"), clinic_on_recaptcha_stage)

    open_login(page, clinic="HILLTOP")
    verify = page.get_by_role("button", name="Verify with fake reCAPTCHA")
    expect(verify).to_be_visible()
    assert len(script_urls) == 1
    assert "render=explicit" in script_urls[0] and "onload=" in script_urls[0]
    assert page.evaluate("window.fakeRecaptcha.siteKey") == "test-site-key"
    expect(page.get_by_role("checkbox", name="I'm not a robot")).to_be_hidden()

    # Not verified yet: no token goes with the login.
    response = log_in(page, "ReyesC", seed_password("ReyesC"))
    assert "captcha_token" not in response.request.post_data_json
    expect(alert(page)).to_contain_text("I'm not a robot")
    assert_accessible(page)

    # Verified: the widget's token goes with the login; after a failed attempt the widget is reset.
    verify.click()
    response = log_in(page, "ReyesC", seed_password("ReyesC"))
    assert response.request.post_data_json["captcha_token"] == "fake-recaptcha-token-1"
    assert response.status == 400  # the real server runs the local verifier and rejects it
    expect(alert(page)).to_contain_text("I'm not a robot")
    assert_accessible(page)
    assert page.evaluate("window.fakeRecaptcha.resets") >= 1
    response = log_in(page, "ReyesC", seed_password("ReyesC"))
    assert "captcha_token" not in response.request.post_data_json


def test_network_failure_and_unavailable_say_try_again(page, portal, viewport, console):
    console.allow(r"net::ERR_FAILED")
    console.allow(r"status of 503 ")
    open_login(page)
    held = []
    page.route("**/api/clinics/*/login", lambda route: held.append(route))
    page.get_by_label("Username").fill("GreenA")
    page.get_by_label("Password").fill("anything-at-all")
    page.get_by_role("button", name="Log in").click()
    button = page.locator("#login-submit")
    expect(button).to_be_disabled()  # no double submits while the request is out
    while not held:
        page.wait_for_timeout(20)
    held[0].abort("failed")
    expect(alert(page)).to_contain_text("try again")
    assert_accessible(page)
    expect(button).to_be_enabled()
    expect(button).to_have_text("Log in")

    page.unroute("**/api/clinics/*/login")
    page.route("**/api/clinics/*/login", lambda route: route.fulfill(
        status=503, headers={"Retry-After": "5"},
        json={"error": "service_unavailable", "message": "The service is briefly unavailable."}))
    response = log_in(page, "GreenA", "anything-at-all")
    assert response.status == 503
    expect(alert(page)).to_contain_text("try again")
    assert_accessible(page)


# ---------------------------------------------------------------- forced password change

def test_forced_password_change(page, portal, viewport, screenshot_dir):
    username = f"Change{viewport.name.title()}"
    open_login(page)
    response = log_in(page, username, seed_password(username))
    assert response.status == 200
    expect(page).to_have_url(portal + "/home")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert page.request.get(portal + "/api/me").json()["password_change_required"] is True

    form = page.locator("#password-form")
    labels = [t.strip() for t in form.locator("label").all_inner_texts()]
    assert labels == ["New password", "Confirm new password", "Current password"]
    new_password = page.get_by_label("New password", exact=True)
    expect(new_password).to_be_focused()
    # Nothing else of the home page shows until the password is changed.
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_hidden()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_hidden()
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "change-password", viewport)

    def submit(new, confirm, current):
        new_password.fill(new)
        page.get_by_label("Confirm new password", exact=True).fill(confirm)
        page.get_by_label("Current password", exact=True).fill(current)
        page.get_by_role("button", name="Save new password").click()

    submit("something-else-entirely", "something-else-entirelx", seed_password(username))
    expect(alert(page)).to_contain_text("don't match")
    assert_accessible(page)

    with page.expect_response("**/api/me/password") as info:
        submit("passwordpassword", "passwordpassword", seed_password(username))
    assert info.value.status == 400
    body = info.value.json()
    assert body["error"] == "password_policy"
    expect(alert(page)).to_have_text(body["message"])  # the server's words, as they are

    with page.expect_response("**/api/me/password") as info:
        submit("violet-harbor-lantern-97", "violet-harbor-lantern-97", seed_password(username))
    assert info.value.status == 204
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="password has been changed")).to_be_visible()
    expect(page.get_by_role("heading", name="Change your password")).to_be_hidden()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    expect(page.get_by_role("heading", name="Change your password")).to_be_hidden()


# ---------------------------------------------------------------- lockout

def test_lockout_after_five_wrong_passwords(page, portal, viewport):
    username = f"Lock{viewport.name.title()}"  # its own username per size: lockouts last
    open_login(page)
    for attempt in range(5):
        response = log_in(page, username, f"wrong-password-{attempt}")
        assert response.status == 401
        expect(alert(page)).to_contain_text("Incorrect username or password")
        assert_accessible(page)
    response = log_in(page, username, seed_password(username))  # even the right one now
    assert response.status == 429
    wait_s = int(response.headers["retry-after"])
    assert 0 < wait_s <= 15 * 60
    expect(alert(page)).to_contain_text("Too many")
    assert_accessible(page)
    expect(alert(page)).to_contain_text(re.compile(r"about (\d+ minutes|a minute)"))
    assert_accessible(page)
    expect(alert(page)).to_contain_text(f"about {-(-wait_s // 60)} minutes")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()


def test_a_locked_username_still_signs_in_from_the_persons_own_browser(page, portal, viewport, chromium):
    """Device cookies: five wrong passwords typed elsewhere lock the username, but
    not the browser the person signed in on before (HttpOnly, scoped to the login URL)."""
    from tests.browser.conftest import EXPECT_TIMEOUT_MS

    username = f"Trust{viewport.name.title()}"  # its own username per size: lockouts last
    own = chromium.new_context(base_url=portal, **viewport.context_options())
    own.set_default_timeout(EXPECT_TIMEOUT_MS)
    try:
        mine = own.new_page()
        open_login(mine)
        assert log_in(mine, username, seed_password(username)).status == 200
        expect(mine).to_have_url(portal + "/home")
        mine.get_by_role("button", name="Log out", exact=True).click()
        expect(mine).to_have_url(login_url(portal))
        (device,) = [c for c in own.cookies() if c["name"].startswith("portal_device_")]
        assert device["httpOnly"] and device["sameSite"] == "Strict"
        assert device["path"] == "/api/clinics/BAYVIEW/login"

        open_login(page)                                 # someone else, elsewhere
        for attempt in range(5):
            assert log_in(page, username, f"wrong-password-{attempt}").status == 401
        assert log_in(page, username, seed_password(username)).status == 429
        expect(alert(page)).to_contain_text("Too many")

        open_login(mine)                                 # the person, at their own browser
        assert log_in(mine, username, seed_password(username)).status == 200
        expect(mine).to_have_url(portal + "/home")
        expect(mine.get_by_role("heading", name=f"Welcome, {'Tara' if viewport.mobile else 'Theo'}")).to_be_visible()
    finally:
        own.close()
