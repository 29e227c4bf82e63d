"""One soak client: its own keep-alive connection and cookie jar, a record of every
request it sent (label, status, latency) and a ledger of what it did that the
stack must have recorded (logins by outcome, logouts, live sessions, accounts)."""
from __future__ import annotations

import hashlib
import http.client
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SESSION_COOKIE = "portal_session"
TIMEOUT_S = 60


class Aborted(Exception):
    """The flow cannot go on: a reply it did not expect, or no reply at all."""


def token_hash(token: str) -> str:
    """What the sessions table is keyed by (SHA-256 of the whole token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class Ledger:
    """What one client did, as the stack must have recorded it."""
    logins: Counter = field(default_factory=Counter)   # (login_type, succeeded|failed|locked) -> n
    hammer: Counter = field(default_factory=Counter)   # the deliberately hammered username: outcome -> n
    logouts: int = 0                                   # 204s of a logout that ended a live session
    live: set = field(default_factory=set)             # token hashes of sessions never logged out
    accounts: dict = field(default_factory=dict)       # account_id -> {"username", "status"}
    captcha_tokens: int = 0
    duplicate_ids: list = field(default_factory=list)  # account ids handed out twice

    def merge(self, other: Ledger) -> None:
        self.logins.update(other.logins)
        self.hammer.update(other.hammer)
        self.logouts += other.logouts
        self.live |= other.live
        for account_id, account in other.accounts.items():
            if account_id in self.accounts:   # two 201s naming one account: the stack's bug
                self.duplicate_ids.append(account_id)
            self.accounts[account_id] = account
        self.captcha_tokens += other.captcha_tokens


@dataclass
class Sample:
    label: str
    status: int | None     # None: no reply (connection error)
    ms: float


class Client:
    def __init__(self, base_url: str, index: int):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.index = index
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.samples: list[Sample] = []
        self.errors: list[dict] = []       # requests that got no reply
        self.unexpected: list[dict] = []   # replies the flow did not expect
        self.flows: Counter = Counter()    # flow -> completed
        self.aborted: Counter = Counter()  # flow -> aborted
        self.ledger = Ledger()
        self.flow = "-"

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method: str, path: str, label: str, *, body: dict | None = None, bearer: str | None = None,
             expect: tuple[int, ...] = (200,)) -> tuple[int, object]:
        """Send one request; (status, JSON reply or None). Raises Aborted when the
        status is not one of `expect` or no reply came."""
        headers = {"Origin": self.origin, "Accept": "application/json",
                   "User-Agent": f"clinic-portal-soak/{self.index}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            reply = self.conn.getresponse()
            raw = reply.read()
        except (OSError, http.client.HTTPException) as exc:
            self.samples.append(Sample(label, None, (time.perf_counter() - started) * 1000))
            self.errors.append({"flow": self.flow, "request": label, "error": f"{type(exc).__name__}: {exc}"})
            self.close()
            raise Aborted(label) from exc
        self.samples.append(Sample(label, reply.status, (time.perf_counter() - started) * 1000))
        if reply.will_close:
            self.close()
        self._keep_cookies(reply.msg.get_all("Set-Cookie") or [])
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        if reply.status not in expect:
            code = payload.get("error") if isinstance(payload, dict) else None
            self.unexpected.append({"flow": self.flow, "request": label, "status": reply.status, "error": code})
            raise Aborted(label)
        return reply.status, payload

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            attributes = [p.strip() for p in header.split(";")]
            name, _, value = attributes[0].partition("=")
            if not value or any(a.lower() == "max-age=0" for a in attributes[1:]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def session_cookie(self) -> str | None:
        return self.cookies.get(SESSION_COOKIE)

    def other_device(self) -> Client:
        """The same person's other device (the patient's phone): its own connection
        and cookie jar, recording into this client's samples and ledger."""
        other = Client(self.origin, self.index)
        other.samples, other.errors, other.unexpected = self.samples, self.errors, self.unexpected
        other.ledger, other.flow = self.ledger, self.flow
        return other

    def close_tab(self) -> None:
        """Walk away without logging out: the cookie is gone, the session stays."""
        self.cookies.pop(SESSION_COOKIE, None)
