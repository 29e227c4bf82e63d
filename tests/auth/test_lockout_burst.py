"""Counting before checking: a burst of simultaneous attempts cannot outrun the lockout.

Real threads released together by a barrier, against the in-process gateway and moto
(with DynamoDB's per-request atomicity, `atomic_dynamodb`). Every attempt takes its
slot before its password is checked, so at most `threshold` passwords are ever
verified for one username inside one lock window (and at most `ip_failure_limit`
from one source IP inside one window), whatever the concurrency.
"""
import threading
import time

import pytest

from tests.auth.test_lockout import set_clinic
from tests.conftest import ADMIN_PW, login, table_items

WRONG = "definitely-wrong-pw"
STRONG = "violet-harbor-lantern-91"


@pytest.fixture
def verified(monkeypatch):
    """(password, matched) of every argon2 verify, in the order they finished. Each
    verify also waits 0.15 s, what one costs in production (the tests' argon2
    parameters are cheap), so the window a burst races through is realistic."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    seen = []
    lock = threading.Lock()
    original = PasswordHasher.verify

    def verify(self, hash, password):
        time.sleep(0.15)
        try:
            result = original(self, hash, password)
        except VerificationError:
            with lock:
                seen.append((password, False))
            raise
        with lock:
            seen.append((password, True))
        return result

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    return seen


def burst(calls):
    """Run each zero-argument call in its own thread, all released at once; their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("size", [12, 20, 50])
def test_a_burst_verifies_at_most_threshold_passwords(gateway, seeded, atomic_dynamodb, verified, size):
    """11/19/49 wrong passwords and the right one 10th, all at once.

    Without a success: exactly five passwords are checked and the username ends
    locked. With one (its slot was among the first five): fewer than five wrong
    passwords were checked before it, and, as with requests one after another, the
    count starts again after it: five fresh slots at most. `verified` is in the
    order the checks *finished*, so the up to four wrong passwords that took their
    slots before the success but finished checking after it also show up after it:
    at most 4 + 5 wrong passwords after it, 2 x threshold - 1 in all."""
    passwords = [WRONG] * size
    passwords[9] = ADMIN_PW
    browsers = [gateway.browser() for _ in passwords]
    replies = burst([lambda b=b, pw=pw: login(b, "DoeJ", pw) for b, pw in zip(browsers, passwords, strict=True)])
    statuses = [r.status for r in replies]
    wrong = [not ok for _, ok in verified]

    assert set(statuses) <= {200, 401, 429}
    assert statuses.count(200) in (0, 1)
    assert statuses.count(401) == sum(wrong)
    if statuses.count(200) == 0:
        assert len(verified) == 5, f"{len(verified)} passwords verified: {statuses}"
        assert statuses.count(401) == 5
        # after five failures the right password is refused while locked
        r = login(gateway.browser(), "DoeJ", ADMIN_PW)
        assert r.status == 429 and r.header("set-cookie") is None
    else:
        right = verified.index((ADMIN_PW, True))
        assert sum(wrong[:right]) < 5, f"the right password was checked after {sum(wrong[:right])} failures"
        assert sum(wrong) <= 2 * 5 - 1, f"{sum(wrong)} wrong passwords checked in all"


@pytest.mark.parametrize("size", [12, 20, 50])
def test_a_burst_of_wrong_passwords_locks_exactly_at_the_threshold(gateway, seeded, atomic_dynamodb,
                                                                     verified, size):
    browsers = [gateway.browser() for _ in range(size)]
    statuses = [r.status for r in burst([lambda b=b: login(b, "DoeJ", WRONG) for b in browsers])]
    assert len(verified) == 5
    assert statuses.count(401) == 5 and statuses.count(429) == size - 5
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429


@pytest.mark.parametrize("size", [12, 20, 50])
def test_a_burst_from_one_ip_verifies_at_most_the_ip_limit(gateway, seeded, atomic_dynamodb, verified, size):
    set_clinic("sunrise", ip_failure_limit=5)
    browsers = [gateway.browser(source_ip="203.0.113.66") for _ in range(size)]
    replies = burst([lambda b=b, i=i: login(b, f"sprayed{i}", WRONG) for i, b in enumerate(browsers)])
    statuses = [r.status for r in replies]
    assert len(verified) == 5
    assert statuses.count(401) == 5 and statuses.count(429) == size - 5
    # the sprayer is refused even for a right password; another address is not
    assert login(gateway.browser(source_ip="203.0.113.66"), "DoeJ", ADMIN_PW).status == 429
    assert login(gateway.browser(source_ip="198.51.100.20"), "DoeJ", ADMIN_PW).status == 200


def test_a_burst_of_wrong_current_passwords_counts_before_checking(gateway, seeded, atomic_dynamodb, verified):
    """Guessing the current password from a stolen session follows the same rule."""
    b = gateway.browser()
    assert login(b, "DoeJ", ADMIN_PW).status == 200
    verified.clear()
    body = {"current_password": WRONG, "new_password": STRONG}
    statuses = [r.status for r in burst([lambda: b.post("/api/me/password", json=body)] * 12)]
    assert len(verified) == 5
    assert statuses.count(400) == 5 and statuses.count(429) == 7
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429


def test_a_successful_login_releases_its_slot(gateway, seeded, clock):
    """Right passwords never use up the budget, and a slot left by an attempt that died
    between taking it and settling it lapses after one lock window."""
    from chalicelib.models import LoginCounterModel

    for _ in range(8):
        assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200
    for _ in range(4):
        assert login(gateway.browser(), "DoeJ", WRONG).status == 401
    # one attempt crashes holding its slot: the fifth
    key = "user#sunrise#staff#doej"
    LoginCounterModel(key).update(actions=[LoginCounterModel.attempts.add(1), LoginCounterModel.pending.add(1),
                                           LoginCounterModel.pending_at.set(clock.t)])
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429
    clock.advance(15 * 60)
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200
    row = [r for r in table_items("login_counters") if r["counter_key"]["S"] == key][0]
    assert row["failures"]["N"] == "0" and row["attempts"]["N"] == "0" and row["pending"]["N"] == "0"
