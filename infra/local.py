"""The embedded local stack: `make run`.

One process: a moto server (DynamoDB, SES, SSM) on a free loopback port, the
app's tables created from the same definitions the deployment uses, a seed
loaded, and Chalice's local server on http://127.0.0.1:$PORT (default 8000).
Ctrl-C or SIGTERM stops everything.

Environment:
  PORT               port of the portal (default 8000)
  PORTAL_SEED        a seed file to load instead of the demo clinic
  PORTAL_OUTBOX_DIR  where every outgoing email is also written (default .local/outbox)
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys

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
        "PORTAL_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
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
    """Tables from the deployment's definitions, and a verified SES sender."""
    import boto3

    from chalicelib.core.settings import get_settings
    from infra.tables import create_tables

    settings = get_settings()
    create_tables(boto3.client("dynamodb"), settings.table_prefix)
    boto3.client("ses").verify_email_identity(EmailAddress=settings.ses_sender)


def seed(path: str) -> dict:
    from infra.seed import load_file

    return load_file(path)


def banner(port: int, seed_path: str) -> str:
    lines = [f"Clinic portal running at http://127.0.0.1:{port}/"]
    with open(seed_path, encoding="utf-8") as f:
        data = json.load(f)
    for clinic in data.get("clinics", []):
        cid = clinic["clinic_id"]
        lines.append(f"  {clinic['name']}: http://127.0.0.1:{port}/?clinicID={cid}&LoginType=Staff")
        for s in data.get("staff", []):
            if s["clinic_id"] == cid:
                lines.append(f"    staff   {s['username']:<24} {s.get('password', '')}  ({', '.join(s['roles'])})")
        for a in data.get("portal_accounts", []):
            if a["clinic_id"] == cid and a.get("password"):
                lines.append(f"    patient {a['username']:<24} {a['password']}")
    lines.append(f"Emails are written to {os.environ['PORTAL_OUTBOX_DIR']}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def main() -> int:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines

    port = int(os.environ.get("PORT", "8000"))
    moto_port = _free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    try:
        configure_environment(port, moto_port)
        prepare_aws()
        seed_path = os.environ.get("PORTAL_SEED") or DEMO_SEED
        try:
            seed(seed_path)
        except ValueError as exc:  # SeedError
            print(f"error: seed {seed_path}: {exc}", file=sys.stderr)
            return 2

        from chalice.config import Config
        from chalice.local import create_local_server

        from app import app

        server = create_local_server(app, Config(), "127.0.0.1", port)

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        print(banner(port, seed_path), flush=True)
        try:
            server.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server.server_close()
    finally:
        moto.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
