"""Lockout after repeated failures: per username (existing or not) and per source IP."""
import threading

from tests.conftest import ADMIN_PW, login, table_items


def set_clinic(clinic_key, **settings):
    from chalicelib.models import ClinicModel

    item = ClinicModel.get(clinic_key)
    item.update(actions=[ClinicModel.settings[k].set(v) for k, v in settings.items()])


def fail(browser, username="DoeJ", **kw):
    return login(browser, username, "definitely-wrong-pw", **kw)


def counter(key_prefix):
    rows = [r for r in table_items("login_counters") if r["counter_key"]["S"].startswith(key_prefix)]
    return int(rows[0]["failures"]["N"]) if rows else 0


def test_five_failures_lock_the_username_even_for_the_right_password(browser, seeded, clock):
    for _ in range(5):
        assert fail(browser).status == 401
    r = login(browser, "DoeJ", ADMIN_PW)
    assert r.status == 429
    assert r.json()["error"] == "too_many_attempts"
    assert int(r.header("retry-after")) == 15 * 60
    assert r.header("set-cookie") is None


def test_an_attempt_while_locked_does_not_extend_the_lock(browser, seeded, clock):
    for _ in range(5):
        fail(browser)
    clock.advance(5 * 60)
    for _ in range(3):
        r = fail(browser)
        assert r.status == 429
        assert int(r.header("retry-after")) == 10 * 60
    assert counter("user#sunrise#staff#doej") == 5
    clock.advance(10 * 60)
    assert login(browser, "DoeJ", ADMIN_PW).status == 200


def test_lockout_backs_off_and_success_resets_the_count(browser, seeded, clock):
    for _ in range(5):
        fail(browser)
    clock.advance(15 * 60)
    assert fail(browser).status == 401          # allowed again, and counted ...
    r = login(browser, "DoeJ", ADMIN_PW)
    assert r.status == 429                      # ... locking for twice as long
    assert int(r.header("retry-after")) == 30 * 60
    clock.advance(30 * 60)
    assert login(browser, "DoeJ", ADMIN_PW).status == 200
    assert counter("user#sunrise#staff#doej") == 0
    for _ in range(4):
        assert fail(browser).status == 401      # a fresh count after success
    assert login(browser, "DoeJ", ADMIN_PW).status == 200


def test_lock_is_capped_at_a_day(browser, seeded, clock):
    set_clinic("sunrise", lockout_threshold=1, lockout_minutes=600)
    fail(browser)
    for _ in range(3):
        clock.advance(24 * 3600)
        assert fail(browser).status == 401
    r = fail(browser)
    assert r.status == 429 and int(r.header("retry-after")) == 24 * 3600


def test_a_username_that_does_not_exist_is_locked_too(browser, seeded, clock):
    for _ in range(5):
        assert fail(browser, "NoSuchUser").status == 401
    r = fail(browser, "nosuchuser")
    assert r.status == 429
    # the same for a patient email nobody has
    for _ in range(5):
        fail(browser, "ghost@example.com", login_type="patient")
    assert fail(browser, "GHOST@example.com", login_type="patient").status == 429
    # and it does not lock anyone else
    assert login(browser, "DoeJ", ADMIN_PW).status == 200


def test_locks_are_per_login_type_and_clinic(browser, seeded, clock):
    for _ in range(5):
        fail(browser, "ann@example.com", login_type="staff")
    assert fail(browser, "ann@example.com", login_type="staff").status == 429
    from tests.conftest import PATIENT_PW
    assert login(browser, "ann@example.com", PATIENT_PW, login_type="patient").status == 200


def test_old_failures_expire(browser, seeded, clock):
    for _ in range(4):
        fail(browser)
    clock.advance(3 * 24 * 3600)                # past the counter's retention
    assert fail(browser).status == 401
    assert counter("user#sunrise#staff#doej") == 1
    assert login(browser, "DoeJ", ADMIN_PW).status == 200


def test_concurrent_failures_are_counted_exactly(gateway, seeded, atomic_dynamodb):
    set_clinic("sunrise", lockout_threshold=100)
    n = 24
    statuses = []
    barrier = threading.Barrier(8)

    def worker(count):
        b = gateway.browser()
        barrier.wait()
        for _ in range(count):
            statuses.append(fail(b).status)

    threads = [threading.Thread(target=worker, args=(n // 8,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(401) == n
    assert counter("user#sunrise#staff#doej") == n
    ip_counters = [r for r in table_items("login_counters") if r["counter_key"]["S"].startswith("ip#")]
    assert sum(int(r["failures"]["N"]) for r in ip_counters) == n


def test_concurrent_failures_past_the_threshold_all_end_locked(gateway, seeded, atomic_dynamodb):
    barrier = threading.Barrier(10)
    statuses = []

    def worker():
        b = gateway.browser()
        barrier.wait()
        statuses.append(fail(b).status)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) <= {401, 429} and statuses.count(401) >= 5
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429


def test_source_ip_limit_stops_password_spraying(gateway, seeded, clock):
    set_clinic("sunrise", ip_failure_limit=3)
    sprayer = gateway.browser(source_ip="203.0.113.66")
    for name in ("alice", "bob", "carol"):
        assert fail(sprayer, name).status == 401
    r = login(sprayer, "DoeJ", ADMIN_PW)
    assert r.status == 429 and 0 < int(r.header("retry-after")) <= 15 * 60
    # someone else, from another address, is not affected
    assert login(gateway.browser(source_ip="198.51.100.20"), "DoeJ", ADMIN_PW).status == 200
    clock.advance(15 * 60)
    assert login(sprayer, "DoeJ", ADMIN_PW).status == 200


def test_locked_attempts_are_audited(gateway, seeded, clock):
    b = gateway.browser()
    for _ in range(6):
        fail(b)
    outcomes = [e["outcome"]["S"] for e in table_items("audit_events")]
    assert outcomes.count("failed") == 5 and outcomes.count("locked") == 1
