"""A TOTP code works once even when two requests race with it: both have read the
record (and found the code unused) before either writes; the conditional write on
`mfa_last_step` (and the token's conditional delete) lets only one commit."""
from __future__ import annotations

import threading

import pytest

from tests.auth.mfa_helpers import code, enrol, password_step, second_step
from tests.auth.test_lockout_burst import burst
from tests.conftest import ADMIN_PW


@pytest.fixture
def both_checked(monkeypatch):
    """Hold each request after its check until the other has checked too."""
    from chalicelib.auth import mfa_check

    barrier = threading.Barrier(2, timeout=10)
    original = mfa_check.verify

    def verify(*args, **kwargs):
        proof = original(*args, **kwargs)
        barrier.wait()
        return proof

    monkeypatch.setattr(mfa_check, "verify", verify)


@pytest.mark.parametrize("same_token", [False, True])
def test_two_requests_racing_with_one_code_sign_in_once(gateway, admin, clock, atomic_dynamodb, same_token,
                                                        request):
    secret, _ = enrol(admin, clock)
    tokens = [password_step(gateway, "DoeJ", ADMIN_PW) for _ in range(2)]
    if same_token:
        tokens = [tokens[0]] * 2
    the_code = code(secret, clock())
    browsers = [gateway.browser(), gateway.browser()]
    request.getfixturevalue("both_checked")   # from here on, each check waits for the other
    replies = burst([lambda i=i: second_step(browsers[i], tokens[i], code=the_code) for i in range(2)])
    statuses = sorted(r.status for r in replies)
    assert statuses[0] == 200 and statuses[1] in (400, 401), [r.text for r in replies]
    signed_in = [b for b, r in zip(browsers, replies, strict=True) if r.status == 200]
    assert len(signed_in) == 1 and signed_in[0].get("/api/me").status == 200
