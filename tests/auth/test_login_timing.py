"""Login timing equalizers: someone timing failed logins must not learn which
usernames exist. A wrong password for a known username and any password for an
unknown one cost the same: exactly one argon2 verify each (a dummy hash for the
unknown one) and the same DynamoDB requests in the same order (for a patient, the
read of the account behind the username claim happens either way)."""
import pytest

from tests.conftest import login

KNOWN = {"staff": "DoeJ", "patient": "ann@example.com"}
UNKNOWN = {"staff": "NobodyN", "patient": "nobody@example.com"}


@pytest.fixture
def argon2_verifies(monkeypatch):
    """Every argon2 verify made through argon2-cffi's PasswordHasher (the hasher login uses)."""
    from argon2 import PasswordHasher

    seen = []
    original = PasswordHasher.verify

    def verify(self, hash, password):
        seen.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    return seen


def failed_login(gateway, aws_calls, argon2_verifies, login_type, username):
    """(reply, DynamoDB operation names in order, argon2 verifies) of one failed login."""
    browser = gateway.browser()
    argon2_verifies.clear()
    with aws_calls.window() as calls:
        reply = login(browser, username, "not-the-right-password", login_type=login_type)
    return reply, list(calls.sequence), len(argon2_verifies)


@pytest.mark.parametrize("login_type", ["staff", "patient"])
def test_unknown_username_costs_what_a_wrong_password_costs(gateway, seeded, aws_calls, argon2_verifies,
                                                            login_type):
    known, known_calls, known_verifies = failed_login(gateway, aws_calls, argon2_verifies, login_type,
                                                      KNOWN[login_type])
    unknown, unknown_calls, unknown_verifies = failed_login(gateway, aws_calls, argon2_verifies, login_type,
                                                            UNKNOWN[login_type])
    assert known.status == unknown.status == 401 and known.json() == unknown.json()
    assert known_verifies == 1, "a wrong password is checked with exactly one argon2 verify"
    assert unknown_verifies == 1, "an unknown username still costs one argon2 verify (dummy hash)"
    assert known_calls, "no DynamoDB request was counted: the counter is not installed"
    assert unknown_calls == known_calls  # same DynamoDB requests, same order


def test_the_equalizer_is_not_fooled_by_a_repeated_username(gateway, seeded, aws_calls, argon2_verifies):
    """The second failure of a username (its counter now exists) costs the same for
    a known and an unknown one too."""
    for username in (KNOWN["patient"], UNKNOWN["patient"]):
        failed_login(gateway, aws_calls, argon2_verifies, "patient", username)
    known = failed_login(gateway, aws_calls, argon2_verifies, "patient", KNOWN["patient"])
    unknown = failed_login(gateway, aws_calls, argon2_verifies, "patient", UNKNOWN["patient"])
    assert known[2] == unknown[2] == 1
    assert known[1] == unknown[1]
