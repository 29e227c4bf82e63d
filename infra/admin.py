"""Admin CLI: bootstrap a clinic and its first administrator, or load a seed file.

    python -m infra.admin [--stage prod] create-clinic --clinic-id SUNRISE \
        --name "Sunrise Family Clinic" --admin-username DoeJ --admin-first-name Jane \
        --admin-last-name Doe --admin-email jane@sunrise.example  < password-file
    python -m infra.admin [--stage prod] load-seed seed.json
    python -m infra.admin [--stage prod] reindex-search --clinic-id SUNRISE   # infra.reindex
    python -m infra.admin [--stage prod] send-reminders [--date YYYY-MM-DD]   # default: tomorrow (UTC)

The administrator's password is read from standard input (first line), never
from the command line. Without --stage the current environment is used (the
local stack or tests).
"""
from __future__ import annotations

import argparse
import getpass
import sys


def _read_password(stream) -> str:
    if stream.isatty():
        first = getpass.getpass("Administrator password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("the passwords differ")
        return first
    return stream.readline().rstrip("\r\n")


def create_clinic(args, stdin) -> str:
    from chalicelib.auth.passwords import check_policy, clinic_terms, hash_password
    from chalicelib.clinics.records import ClinicSettings
    from chalicelib.clinics.records import create_clinic as make_clinic
    from chalicelib.core.errors import PortalError
    from chalicelib.staff.records import check_staff_username, new_staff_item, save_new_staff

    password = _read_password(stdin)
    try:
        check_staff_username(args.admin_username)
        check_policy(password, ClinicSettings(),
                     [args.admin_username, args.admin_email, args.admin_first_name, args.admin_last_name],
                     clinic_terms(args.clinic_id, args.name))
        item = new_staff_item("", username=args.admin_username, first_name=args.admin_first_name,
                              last_name=args.admin_last_name, email=args.admin_email, roles=["admin"],
                              portal_access=True, password_hash=hash_password(password),
                              force_password_change=False)
        clinic = make_clinic(args.clinic_id, args.name)
        item.clinic_key = clinic.clinic_key
        save_new_staff(item)
    except PortalError as exc:
        raise SystemExit(f"error: {exc.message}") from None
    return f"created clinic {clinic.clinic_id} ({clinic.name}) with administrator {args.admin_username}"


def load_seed(args, stdin) -> str:
    from infra.seed import SeedError, load_file

    try:
        counts = load_file(args.file)
    except SeedError as exc:
        raise SystemExit(f"error: {exc}") from None
    return "loaded " + ", ".join(f"{n} {section}" for section, n in counts.items())


def reindex_search(args, stdin) -> str:
    from chalicelib.clinics.records import clinic_key
    from infra.reindex import reindex_clinic

    counts = reindex_clinic(clinic_key(args.clinic_id))
    return (f"rewrote the search keys of {counts['patients']} patients and {counts['grants']} access grants"
            + (f"; {counts['skipped']} changed meanwhile: run it again" if counts["skipped"] else ""))


def send_reminders(args, stdin) -> str:
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.sections.appointments.reminders import send_for_day, send_for_tomorrow
    from chalicelib.sections.appointments.times import parse_day

    if args.date:
        try:
            day = parse_day("--date", args.date)
        except InvalidRequest as exc:   # its message names the rule
            raise SystemExit(f"error: {exc}") from None
        return send_for_day(day).words()
    return send_for_tomorrow().words()


def main(argv=None, stdin=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.admin", description=__doc__.split("\n")[0])
    parser.add_argument("--stage", help="a stage of .chalice/config.json (dev, staging, prod)")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create-clinic", help="create a clinic and its first administrator")
    c.add_argument("--clinic-id", required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--admin-username", required=True)
    c.add_argument("--admin-first-name", required=True)
    c.add_argument("--admin-last-name", required=True)
    c.add_argument("--admin-email", required=True)
    s = sub.add_parser("load-seed", help="load a seed file (validated first; all or nothing)")
    s.add_argument("file")
    r = sub.add_parser("reindex-search", help="rewrite a clinic's search keys (data written before they existed)")
    r.add_argument("--clinic-id", required=True)
    m = sub.add_parser("send-reminders", help="send the day-before appointment reminders (idempotent)")
    m.add_argument("--date", help="the appointments' day, YYYY-MM-DD (default: tomorrow, UTC)")
    args = parser.parse_args(argv)
    if args.stage:
        from infra.stage_env import apply_stage

        apply_stage(args.stage)
    handler = {"create-clinic": create_clinic, "load-seed": load_seed, "reindex-search": reindex_search,
               "send-reminders": send_reminders}[args.command]
    print(handler(args, stdin or sys.stdin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
