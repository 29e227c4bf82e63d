from tests.conftest import ADMIN_PW, login


def test_admin_logs_in_and_sees_themself(browser, seeded):
    r = login(browser, "doej", ADMIN_PW)
    assert r.status == 200, r.text
    me = browser.get("/api/me")
    assert me.status == 200
    assert me.json()["principal"]["display_name"] == "Jane Doe"
