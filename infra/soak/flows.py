"""The mixed flows a soak client loops over, as a person at the clinic would.

Every login first gets the local stack's CAPTCHA token (the soak clinic requires
one), then posts the login the way the login page does. Each flow states the
replies it expects; any other reply aborts it and is reported.

| flow | what |
|---|---|
| `staff_session` | right password, `/api/me`, the lists the role may open, logout |
| `wrong_password` | the client's own username with a wrong password (401), at most 3 in a row |
| `unknown_user` | a username nobody has, new each time (401) |
| `hammer` | one username every client hammers with wrong passwords: 401 for the first 5, then 429 |
| `create_account` | login, the patient search, a new portal account (Self or representative; a Self for a |
|                  | patient who has one is 409 `self_account_exists`), sometimes the patient's own first |
|                  | login with the temporary password, logouts |
| `browse_and_leave` | login, `/api/me`, a list, then the tab is closed: no logout, the session stays |
"""
from __future__ import annotations

import random

from infra.soak import seed
from infra.soak.client import Aborted, Client, token_hash

CLINIC = f"/api/clinics/{seed.CLINIC_ID}"
WEIGHTS = {"staff_session": 30, "create_account": 25, "wrong_password": 15, "unknown_user": 10,
           "browse_and_leave": 10, "hammer": 5}
OUTCOMES = {200: "succeeded", 401: "failed", 429: "locked"}
MAX_STREAK = seed.LOCKOUT_THRESHOLD - 2   # wrong passwords in a row before the client signs in right


class Person:
    """One soak client and its flows; `tag` makes this run's names unique."""

    def __init__(self, client: Client, tag: str, rng: random.Random):
        self.c, self.tag, self.rng = client, tag, rng
        self.index = client.index
        self.username = seed.staff_username(self.index)
        self.password = seed.staff_password(self.index)
        self.admin = "admin" in seed.staff_roles(self.index)
        self.streak = 0       # the client's own wrong passwords since its last right one
        self.serial = 0       # for names unique to this run and client

    # ------------------------------------------------------------ the loop
    def next_flow(self) -> str:
        done = self.c.flows.total() + self.c.aborted.total()
        if done == 0:
            return "staff_session"  # a fresh start on the own username's counter
        if done == 1:               # then each kind of flow from some clients, even in a short run
            flow = list(WEIGHTS)[self.index % len(WEIGHTS)]
        else:
            flow = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if flow == "wrong_password" and self.streak >= MAX_STREAK:
            flow = "staff_session"
        return flow

    def run_one(self) -> None:
        flow = self.next_flow()
        self.c.flow = flow
        try:
            getattr(self, flow)()
        except Aborted:
            self.c.aborted[flow] += 1
            self.c.close_tab()
        else:
            self.c.flows[flow] += 1

    # ------------------------------------------------------------ steps
    def captcha(self, via: Client) -> str:
        _, body = via.call("POST", f"{CLINIC}/captcha/local-token", "captcha token", expect=(201,))
        self.c.ledger.captcha_tokens += 1
        return body["token"]

    def login(self, username: str, password: str, *, login_type: str = "staff", bearer: bool = False,
              expect: tuple[int, ...] = (200,), label: str = "login",
              via: Client | None = None) -> tuple[int, str | None]:
        via = via or self.c
        body = {"login_type": login_type, "username": username, "password": password,
                "captcha_token": self.captcha(via)}
        if bearer:
            body["session_delivery"] = "bearer"
        status, reply = via.call("POST", f"{CLINIC}/login", label, body=body, expect=expect)
        via.ledger.logins[(login_type, OUTCOMES[status])] += 1
        token = None
        if status == 200:
            token = reply["session_token"] if bearer else via.session_cookie()
            via.ledger.live.add(token_hash(token))
        return status, token

    def logout(self, bearer: str | None = None, via: Client | None = None) -> None:
        via = via or self.c
        token = bearer or via.session_cookie()
        if token is None:
            raise RuntimeError(f"soak client bug: logout in {via.flow} without a session")
        via.call("POST", "/api/logout", "logout", bearer=bearer, expect=(204,))
        via.ledger.logouts += 1
        via.ledger.live.discard(token_hash(token))

    def sign_in(self) -> None:
        self.login(self.username, self.password)
        self.streak = 0

    def lists(self) -> None:
        if self.admin:
            self.c.call("GET", f"{CLINIC}/staff", "list staff")
            self.c.call("GET", f"{CLINIC}/audit", "list audit")
        else:
            self.c.call("GET", f"{CLINIC}/portal-accounts?status=all", "list accounts")
            self.c.call("GET", f"{CLINIC}/patients?q=Soak", "search patients")

    def unique(self, what: str) -> str:
        self.serial += 1
        return f"{what}-{self.tag}-{self.index:03d}-{self.serial}"

    # ------------------------------------------------------------ flows
    def staff_session(self) -> None:
        self.sign_in()
        self.c.call("GET", "/api/me", "me")
        self.lists()
        self.logout()

    def wrong_password(self) -> None:
        self.login(self.username, "not-" + self.password, expect=(401,), label="login wrong")
        self.streak += 1

    def unknown_user(self) -> None:
        self.login(self.unique("Nobody"), "any-password-at-all", expect=(401,), label="login wrong")

    def hammer(self) -> None:
        status, _ = self.login(f"Hammered-{self.tag}", "guess-" + self.unique("pw"), expect=(401, 429),
                               label="login hammered")
        self.c.ledger.hammer[OUTCOMES[status]] += 1

    def create_account(self) -> None:
        self.sign_in()
        pid = seed.patient_id(self.rng.randrange(seed.PATIENTS))
        self.c.call("GET", f"{CLINIC}/patients?q={pid}", "search patients")
        email = f"{self.unique('soak').lower()}@example.com"
        representative = self.rng.random() < 1 / 3
        body = {"patient_id": pid, "username": email, "first_name": "Rep" if representative else "Pat",
                "last_name": "Soakfield", "access_type": "authorized_rep" if representative else "self"}
        if representative:
            body["permissions"] = ["appointments", "messages"]
        # A patient has at most one Self (issue 10): a second one for the same patient is a 409.
        status, reply = self.c.call("POST", f"{CLINIC}/portal-accounts", "create account", body=body,
                                    expect=(201,) if representative else (201, 409))
        if status == 409:
            if (reply or {}).get("error") != "self_account_exists":
                self.c.unexpected.append({"flow": self.c.flow, "request": "create account", "status": 409,
                                          "error": (reply or {}).get("error")})
            self.logout()
            return
        account = reply["account"]
        if account["account_id"] in self.c.ledger.accounts:
            self.c.ledger.duplicate_ids.append(account["account_id"])
        self.c.ledger.accounts[account["account_id"]] = {"username": email, "status": account["status"],
                                                         "login_id": account["login"]["login_id"]}
        self.c.call("GET", f"{CLINIC}/portal-accounts/{account['account_id']}", "get account")
        if not representative and self.rng.random() < 0.5:
            phone = self.c.other_device()   # the patient signs in on their own device
            try:
                temporary = reply["credentials"]["temporary_password"]
                _, token = self.login(email, temporary, login_type="patient", bearer=True, label="login patient",
                                      via=phone)
                _, me = phone.call("GET", "/api/me", "me", bearer=token)
                if me.get("password_change_required") is not True:
                    phone.unexpected.append({"flow": phone.flow, "request": "me", "status": 200,
                                             "error": "password_change_required is not true"})
                self.logout(bearer=token, via=phone)
            finally:
                phone.close()
        self.logout()

    def browse_and_leave(self) -> None:
        self.sign_in()
        self.c.call("GET", "/api/me", "me")
        self.c.call("GET", f"{CLINIC}/portal-accounts?status=enabled", "list accounts")
        self.c.close_tab()
