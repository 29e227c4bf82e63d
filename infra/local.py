"""The embedded local stack: `make run`.

One process: a moto server (DynamoDB, SES, SSM) on a free loopback port, the
app's tables created from the same definitions the deployment uses, a seed
loaded, and Chalice's local server on 127.0.0.1:$PORT (default 8000), opened as
http://localhost:$PORT (passkeys need a host name, not an IP address).
Ctrl-C or SIGTERM stops everything.

Environment:
  PORT               port of the portal (default 8000)
  PORTAL_SEED        a seed file to load instead of the demo clinic
  PORTAL_OUTBOX_DIR  where every outgoing email is also written (default .local/outbox)
  PORTAL_MOTO_PORT   port of the embedded moto server (default: a free one); the
                     banner prints it, so the tables can be inspected (the soak reads
                     the sessions table there to reconcile, see infra/soak/)
  PORTAL_STATE_DIR   where the tables are kept across restarts (default .local/state)
  PORTAL_FRESH=1     start clean from the seed, replacing the kept state

What was done while trying the portal survives a restart: see infra/local_state.py.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import sys
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_SEED = os.path.join(ROOT, "infra", "demo_seed.json")
LOCAL_PREFIX = "clinic-portal-local-"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure_environment(port: int, moto_port: int) -> None:
    endpoint = f"http://127.0.0.1:{moto_port}"
    defaults = {
        "PORTAL_STAGE": "local",
        "PORTAL_TABLE_PREFIX": LOCAL_PREFIX,
        "PORTAL_CAPTCHA_PROVIDER": "local",
        # localhost, not 127.0.0.1: the passkeys' relying party id is this host, and
        # browsers refuse an IP address as one (auth/passkeys/ceremony.py).
        "PORTAL_PUBLIC_BASE_URL": f"http://localhost:{port}",
        "PORTAL_OUTBOX_DIR": os.path.join(ROOT, ".local", "outbox"),
        "PORTAL_SES_SENDER": "no-reply@clinic-portal.example",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # The stack may be opened as 127.0.0.1 or localhost: both are its own origins.
    os.environ["PORTAL_LOCAL_ORIGINS"] = f"http://127.0.0.1:{port},http://localhost:{port}"
    # The embedded stack answers for every AWS service the app uses.
    os.environ["PORTAL_DYNAMODB_ENDPOINT"] = endpoint
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_REGION", os.environ["AWS_DEFAULT_REGION"])
    from chalicelib.core.settings import reset_settings

    reset_settings()


def prepare_aws() -> None:
    """Tables from the deployment's definitions, the KMS key of TOTP secrets, and a
    verified SES sender. (The key is new at each start; restoring a saved state gives
    it back the saved key's id and material, infra.local_kms.)"""
    import boto3

    from chalicelib.core.settings import get_settings
    from infra.tables import create_mfa_key, create_tables

    settings = get_settings()
    create_tables(boto3.client("dynamodb"), settings.table_prefix)
    create_mfa_key(boto3.client("kms"), settings.mfa_key_alias)
    boto3.client("ses").verify_email_identity(EmailAddress=settings.ses_sender)
    from infra.buckets import create_documents_bucket

    create_documents_bucket(boto3.client("s3"), settings.documents_bucket,
                            origins=[settings.public_base_url, *settings.local_origins])


def seed(path: str) -> dict:
    from infra.seed import load_file

    return load_file(path)


def _shown(path: str) -> str:
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def restore_or_seed(seed_path: str):
    """Load the state kept for this seed, or (PORTAL_FRESH=1, none kept, tables
    changed) load the seed and keep that. Returns (saver, what happened)."""
    import boto3

    from chalicelib.core.settings import get_settings
    from infra import local_state

    prefix = get_settings().table_prefix
    state_dir = os.environ.get("PORTAL_STATE_DIR") or os.path.join(ROOT, ".local", "state")
    path = os.path.join(state_dir, f"{local_state.seed_digest(seed_path)}.json")
    client = boto3.client("dynamodb")
    saver = local_state.Saver(path, prefix, local_state.Gate(), client=client)
    shown = _shown(path)
    if os.environ.get("PORTAL_FRESH") == "1":
        why = "PORTAL_FRESH=1"
    else:
        state, why = local_state.read(path, prefix)
        if state is not None:
            count = local_state.load(client, prefix, state)
            return saver, (f"Restored {count} items saved in {shown} (PORTAL_FRESH=1 make run starts clean "
                           "from the seed).")
        if os.path.exists(path):
            why += f"; kept it as {os.path.basename(local_state.set_aside(path))}"
    seed(seed_path)
    saver.save()  # from now on this seed's state is the fresh one
    return saver, f"Started from the seed ({why}). Data is kept in {shown} across restarts."


def is_demo_seed(seed_path: str) -> bool:
    return os.path.realpath(seed_path) == os.path.realpath(DEMO_SEED)


def banner(port: int, seed_path: str, moto_port: int | None = None) -> str:
    """Where to open the portal and the seed's logins. Passwords are printed only
    for the built-in demo seed (they are in the repository anyway); a seed file of
    your own may hold real ones, which must not land in a terminal or a CI log."""
    demo = is_demo_seed(seed_path)
    lines = [f"Clinic portal running at http://localhost:{port}/ (open it as localhost: passkeys need a name, "
             "not an IP address)"]
    with open(seed_path, encoding="utf-8") as f:
        data = json.load(f)

    def password(entry: dict) -> str:
        if not entry.get("password"):
            return ""
        return entry["password"] if demo else "(password from the seed file)"

    for clinic in data.get("clinics", []):
        cid = clinic["clinic_id"]
        lines.append(f"  {clinic['name']}: http://localhost:{port}/?clinicID={cid}&LoginType=Staff")
        for s in data.get("staff", []):
            if s["clinic_id"] == cid:
                lines.append(f"    staff   {s['username']:<24} {password(s)}  ({', '.join(s['roles'])})")
        for a in data.get("portal_accounts", []):
            if a["clinic_id"] == cid and a.get("password"):
                lines.append(f"    patient {a['username']:<24} {password(a)}")
    lines.append(f"Emails are written to {os.environ['PORTAL_OUTBOX_DIR']}")
    if moto_port is not None:
        prefix = os.environ.get("PORTAL_TABLE_PREFIX", LOCAL_PREFIX)
        lines.append(f"AWS services (moto) at http://127.0.0.1:{moto_port}, tables {prefix}*")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


# ---------------------------------------------------------------- the HTTP server

LISTEN_BACKLOG = 256  # socketserver's default of 5 reset connections beyond a handful at once
_QUERY = re.compile(r"\?[^\s\"']*")


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_server(app, port: int, gate=None, changed=None):
    """Chalice's local server (a thread per connection), with a listen backlog that
    holds a burst of clients and an access log of paths without query strings
    (they carry invitation tokens and patient search terms). Each request passes
    `gate` (so the state saver sees whole requests only) and a request that can
    change data calls `changed()` afterwards."""
    from contextlib import nullcontext

    from chalice.config import Config
    from chalice.local import (
        ChaliceRequestHandler,
        CustomLocalChalice,
        ForbiddenError,
        LocalChalice,
        LocalDevServer,
        ThreadedHTTPServer,
    )

    class Server(ThreadedHTTPServer):
        request_queue_size = LISTEN_BACKLOG
        daemon_threads = True

    class Handler(ChaliceRequestHandler):
        def log_request(self, code="-", size="-"):
            code = getattr(code, "value", code)
            path = urlsplit(self.path or "").path
            self.log_message('"%s %s %s" %s %s', self.command, path, self.request_version, code, size)

        def log_message(self, format, *args):
            # Also covers error lines that quote the raw request line.
            super().log_message("%s", _QUERY.sub("", format % args))

        def _generic_handle(self):
            try:
                with gate.request() if gate is not None else nullcontext():
                    super()._generic_handle()
            finally:
                if changed is not None and self.command not in READ_ONLY_METHODS:
                    changed()

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

        def _send_error_response(self, error):
            if isinstance(error, ForbiddenError):
                # No route (API Gateway's MISSING_AUTHENTICATION_TOKEN): the deployed
                # stage's answer, an HTML "Page not found" page or the JSON error.
                from chalicelib.api import not_found

                self._send_http_response(*not_found.reply(self.path))
                return
            super()._send_error_response(error)

    # What chalice.local.create_local_server does, with our server and handler classes.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, Config(), "127.0.0.1", port, handler_cls=Handler, server_cls=Server)


def make_dynamodb_atomic() -> None:
    """Give moto's DynamoDB the per-request atomicity of the real service: moto reads
    and writes an item in separate steps without a lock, so concurrent requests (the
    server answers many at once) could lose an `UpdateItem ADD` DynamoDB never loses.
    One DynamoDB operation at a time; the app's own work still runs concurrently."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("put_item", "get_item", "update_item", "delete_item", "transact_write_items",
                 "transact_get_items", "query", "scan", "batch_get_item", "batch_write_item"):
        original = getattr(DynamoDBBackend, name, None)
        if original is None or getattr(original, "_portal_atomic", False):
            continue

        def locked(*args, __original=original, **kwargs):
            with lock:
                return __original(*args, **kwargs)

        locked = functools.wraps(original)(locked)
        locked._portal_atomic = True
        setattr(DynamoDBBackend, name, locked)


def main() -> int:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines

    port = int(os.environ.get("PORT", "8000"))
    moto_port = int(os.environ.get("PORTAL_MOTO_PORT") or 0) or _free_port()
    make_dynamodb_atomic()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    try:
        configure_environment(port, moto_port)
        prepare_aws()
        seed_path = os.environ.get("PORTAL_SEED") or DEMO_SEED
        try:
            saver, note = restore_or_seed(seed_path)
        except ValueError as exc:  # SeedError
            print(f"error: seed {seed_path}: {exc}", file=sys.stderr)
            return 2

        from app import app

        server = make_server(app, port, gate=saver.gate, changed=saver.changed)

        def stop(signum, frame):
            # Once: a second Ctrl-C or a SIGTERM to the whole process group must not
            # interrupt the save and moto's shutdown half-way (nor print their traceback).
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        print(banner(port, seed_path, moto_port), flush=True)
        print(note, flush=True)
        saver.start()
        try:
            server.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server.server_close()
            if saver.stop():
                print(f"saved the data to {_shown(saver.path)}", flush=True)
    finally:
        moto.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
