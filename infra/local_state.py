"""What `make run` keeps across restarts: the tables of the embedded stack, saved in `.local/`.

The state is kept per seed: `.local/state/<seed digest>.json`, where the digest is
of the seed file's content (the demo seed or `PORTAL_SEED`), so two seeds never mix
and an edited seed file starts clean. It also records a digest of the table
definitions: after a change to the tables (a new index, a new table) the old state
is set aside and the stack starts clean from the seed, saying so. A change to what
the items hold (computed keys such as the search keys) bumps FORMAT, with the same effect.

The state also holds the local KMS key's id and material (`infra.local_kms`), so
a two-factor enrolment still decrypts after a restart.

Saving is atomic (a temporary file, fsync, `os.replace`), so a crash or `kill -9`
leaves the previous save whole. The server saves a second or so after any request
that can change data, and again on stop; a crash loses at most that last second.

A save must not catch a flow half-way (an account saved but not its username claim):
`Gate` lets requests run concurrently and the saver wait until none is running,
holding new ones back while it reads the tables. Each request's DynamoDB
transactions are atomic, so between requests the tables are whole.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time

# Bumped when what the items hold changes without a table change, so an older save
# starts clean from the seed ("the saved state is in an older format"):
# 2: search keys folded (accents dropped) and copied onto access grants (issue 10, search).
FORMAT = 2
SAVE_DELAY_S = 1.0          # a save follows a change by about this much
MIN_GAP_FACTOR = 5          # ... but never spends more than 1/5 of the time saving


def seed_digest(seed_path: str) -> str:
    with open(seed_path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def schema_digest(table_prefix: str) -> str:
    from infra.tables import cloudformation_resources

    resources = cloudformation_resources("local", table_prefix)
    return hashlib.sha256(json.dumps(resources, sort_keys=True).encode()).hexdigest()[:16]


def state_path(root: str, seed_path: str) -> str:
    return os.path.join(root, ".local", "state", f"{seed_digest(seed_path)}.json")


def _tables(client, table_prefix: str) -> list[str]:
    from infra.tables import cloudformation_resources

    return sorted(r["Properties"]["TableName"] for r in cloudformation_resources("local", table_prefix).values())


def dump(client, table_prefix: str) -> dict:
    """Every item of every app table, in DynamoDB's JSON (types kept exactly)."""
    tables = {}
    for name in _tables(client, table_prefix):
        items = []
        for page in client.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
            items.extend(page["Items"])
        tables[name[len(table_prefix):]] = items
    from infra.local_kms import export_key

    return {"format": FORMAT, "schema": schema_digest(table_prefix), "saved_at": int(time.time()),
            "tables": tables, "kms": export_key()}


def write_atomically(path: str, state: dict) -> None:
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # password hashes, tokens' hashes
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read(path: str, table_prefix: str) -> tuple[dict | None, str]:
    """(state, why not) for a saved state this stack can load; (None, reason) when
    there is none or it cannot be used (then the stack starts from the seed)."""
    if not os.path.exists(path):
        return None, "no saved state for this seed"
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError) as exc:
        return None, f"the saved state could not be read ({exc.__class__.__name__})"
    if not isinstance(state, dict) or state.get("format") != FORMAT or not isinstance(state.get("tables"), dict):
        return None, "the saved state is in an older format"
    if state.get("schema") != schema_digest(table_prefix):
        return None, "the tables changed since the state was saved"
    return state, ""


def set_aside(path: str) -> str:
    """Keep an unusable state file next to where it was (never delete someone's data)."""
    aside = f"{path}.{int(time.time())}.old"
    os.replace(path, aside)
    return aside


def load(client, table_prefix: str, state: dict) -> int:
    """Put a saved state into the (empty) tables, and the KMS key that sealed its
    TOTP secrets back under the stage's alias (infra.local_kms). Returns the number
    of items."""
    from infra.local_kms import restore_key

    restore_key(state.get("kms"))
    count = 0
    for short_name, items in state["tables"].items():
        name = table_prefix + short_name
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
            while requests:
                answer = client.batch_write_item(RequestItems={name: requests})
                requests = answer.get("UnprocessedItems", {}).get(name, [])
        count += len(items)
    return count


class Gate:
    """Requests pass concurrently; `closed()` waits until none is running and holds
    new ones back while its block runs."""

    def __init__(self):
        self._cond = threading.Condition()
        self._running = 0
        self._closed = False

    def request(self):
        gate = self

        class _Pass:
            def __enter__(self):
                with gate._cond:
                    while gate._closed:
                        gate._cond.wait()
                    gate._running += 1

            def __exit__(self, *exc):
                with gate._cond:
                    gate._running -= 1
                    gate._cond.notify_all()

        return _Pass()

    def closed(self):
        gate = self

        class _Closed:
            def __enter__(self):
                with gate._cond:
                    while gate._closed:
                        gate._cond.wait()
                    gate._closed = True
                    while gate._running:
                        gate._cond.wait()

            def __exit__(self, *exc):
                with gate._cond:
                    gate._closed = False
                    gate._cond.notify_all()

        return _Closed()


class Saver:
    """Saves the state a moment after a change (`changed()`), and on `stop()`."""

    def __init__(self, path: str, table_prefix: str, gate: Gate, client=None, log=print):
        self.path = path
        self.table_prefix = table_prefix
        self.gate = gate
        self.client = client
        self.log = log
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="local-state-saver", daemon=True)
        self.last_save_s = 0.0
        self.saves = 0

    def _client(self):
        if self.client is None:
            import boto3

            self.client = boto3.client("dynamodb")
        return self.client

    def start(self) -> None:
        self._thread.start()

    def changed(self) -> None:
        self._dirty.set()

    def save(self) -> None:
        started = time.monotonic()
        with self.gate.closed():
            state = dump(self._client(), self.table_prefix)
        write_atomically(self.path, state)
        self.last_save_s = time.monotonic() - started
        self.saves += 1

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self._dirty.wait(timeout=0.5):
                continue
            # Let a burst of changes settle, and never spend more than 1/MIN_GAP_FACTOR saving.
            self._stopping.wait(max(SAVE_DELAY_S, self.last_save_s * MIN_GAP_FACTOR))
            if self._stopping.is_set():
                break
            self._dirty.clear()
            try:
                self.save()
            except Exception as exc:  # noqa: BLE001 - keep serving; the next change tries again
                self.log(f"warning: could not save the local state ({exc.__class__.__name__}: {exc})")
                self._dirty.set()

    def stop(self) -> bool:
        """Stop the thread, then save what is unsaved. True when it saved."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        if not self._dirty.is_set():
            return False
        self._dirty.clear()
        self.save()
        return True
