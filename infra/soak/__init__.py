"""The bounded soak: many clients against the local stack as a process, then a
reconciliation of what the stack recorded with what the clients did.

`make soak` (`python -m infra.soak`) starts `infra.local` with the soak seed
(`seed.py`), runs `--clients` clients for `--seconds` (`run.py`), each looping
over mixed flows (`flows.py`) on its own connection and cookie jar
(`client.py`), and then reconciles (`reconcile.py`): the audit log and the
account list read through the API as an administrator, the sessions and CAPTCHA
tokens read from the stack's moto server. It prints one JSON summary and exits
non-zero when a check fails. `tests/infra/test_soak.py` runs the same thing.
"""
