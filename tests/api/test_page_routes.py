"""Page routes as HTTP (the browser tests drive them in Chromium)."""
import pytest


def test_pages_are_html_under_a_strict_content_security_policy(browser, aws):
    r = browser.get("/")
    assert r.status == 200 and r.header("content-type").startswith("text/html")
    csp = r.header("content-security-policy")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert r.header("x-content-type-options") == "nosniff"
    assert r.header("cache-control") == "no-store"


@pytest.mark.parametrize("query,location", [
    ("?clinicID=SUNRISE&LoginType=Staff", "/?clinicID=SUNRISE&LoginType=Staff"),
    ("?clinicid=sunrise&logintype=patient", "/?clinicID=sunrise&LoginType=patient"),
    ("?clinicID=A%26B", "/?clinicID=A%26B"),
    ("", "/"),
])
def test_old_bookmarks_redirect_to_the_login_page(browser, aws, query, location):
    r = browser.get("/index.aspx" + query)
    assert r.status == 302 and r.header("location") == location


@pytest.mark.parametrize("name", ["..%2Fapp.py", "nope.js", "app.py", ".hidden.css"])
def test_static_files_are_only_what_ships(browser, aws, name):
    r = browser.get(f"/static/{name}")
    assert r.status in (403, 404)


@pytest.mark.parametrize("path", ["/nope", "/portal-accounts/nope", "/home/extra?x=1",
                                  "/index.html", "/static"])
def test_an_unknown_page_path_is_an_html_404_page(browser, aws, path):
    r = browser.get(path)
    assert r.status == 404
    assert r.header("content-type").startswith("text/html")
    assert "<h1 id=\"not-found-title\">Page not found</h1>" in r.text
    assert "Missing Authentication Token" not in r.text
    assert "script-src 'self'" in r.header("content-security-policy")  # its own script and styles load
    assert r.header("x-content-type-options") == "nosniff" and r.header("x-frame-options") == "DENY"


@pytest.mark.parametrize("method, path", [("GET", "/api/nope"), ("GET", "/api"), ("POST", "/api/clinics"),
                                          ("DELETE", "/api/nope/deeper?q=1")])
def test_an_unknown_api_path_is_the_json_not_found_error(browser, aws, method, path):
    r = browser.request(method, path)
    assert r.status == 404
    assert r.header("content-type") == "application/json"
    assert r.json() == {"error": "not_found", "message": "There is nothing at this address."}
    assert r.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize("path", ["/patients", "/patients/P100", "/patients/anything-at-all"])
def test_the_patient_pages_are_html(browser, aws, path):
    """The patient page is one page for every id: its script reads the id from the address."""
    r = browser.get(path)
    assert r.status == 200 and r.header("content-type").startswith("text/html")
    script = "patients.js" if path == "/patients" else "patient.js"
    assert f'<script type="module" src="/static/{script}"></script>' in r.text
    assert "'unsafe-inline'" not in r.header("content-security-policy")
