"""`make soak` / `python -m infra.soak [--clients 50] [--seconds 60]`.

Without `--url` it starts the local stack itself (a process, seeded with the soak
seed, the test suite's cheap argon2 parameters unless `--argon2 deployed`),
drives it, reconciles, stops it. With `--url` it drives a stack already running
with the soak seed (`--write-seed FILE`, then `PORTAL_SEED=FILE make run`); pass
`--dynamodb-endpoint` (the moto address the banner prints) to reconcile the
sessions too. Prints one JSON summary; exit status 1 when anything got a 5xx or no
answer, a reply was not what its flow expected, or a reconciliation check failed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from infra.soak import reconcile, seed
from infra.soak.client import Aborted
from infra.soak.run import drive, summary


def soak(url: str, clients: int, seconds: float, *, dynamodb_endpoint: str | None,
         table_prefix: str, rng_seed: int | None = None) -> dict:
    """Drive, then reconcile; the summary with `reconciliation` and `ok`."""
    run = drive(url, clients, seconds, seed=rng_seed)
    result = summary(run, seconds)
    try:
        observed = reconcile.read_api(url, run.tag, run.started)
    except Aborted as exc:
        checks = [reconcile.check("the stack answers the reconciliation's reads", "answers", str(exc))]
    else:
        if dynamodb_endpoint:
            reconcile.read_tables(observed, dynamodb_endpoint, table_prefix, run.started)
        checks = reconcile.compare(run.ledger(), observed)
    result["run_tag"] = run.tag
    result["reconciliation"] = reconcile.brief(checks)
    result["sessions_checked"] = dynamodb_endpoint is not None
    result["ok"] = (result["server_errors"] == 0 and result["connection_errors"] == 0
                    and result["unexpected_replies"] == 0 and all(c["ok"] for c in checks))
    return result


def main(argv: list[str] | None = None) -> int:
    from infra.local import LOCAL_PREFIX

    p = argparse.ArgumentParser(prog="python -m infra.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running stack seeded with the soak seed (default: start one)")
    p.add_argument("--dynamodb-endpoint", help="its moto server, to reconcile sessions (with --url)")
    p.add_argument("--table-prefix", default=LOCAL_PREFIX)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--seed", type=int, help="random seed of the clients' flow choices")
    p.add_argument("--argon2", choices=("cheap", "deployed"), default="cheap")
    p.add_argument("--write-seed", metavar="FILE", help="write the soak seed for --clients and exit")
    p.add_argument("--out", help="also write the summary to this file")
    args = p.parse_args(argv)
    if args.write_seed:
        seed.write(args.write_seed, args.clients)
        return 0
    if args.url:
        result = soak(args.url.rstrip("/"), args.clients, args.seconds, dynamodb_endpoint=args.dynamodb_endpoint,
                      table_prefix=args.table_prefix, rng_seed=args.seed)
    else:
        from infra.soak.stack import LocalStack

        with tempfile.TemporaryDirectory(prefix="soak-") as workdir, \
                LocalStack(workdir, args.clients, cheap_argon2=args.argon2 == "cheap") as stack:
            print(f"soak: {args.clients} clients for {args.seconds:g} s against {stack.url} ...",
                  file=sys.stderr, flush=True)
            result = soak(stack.url, args.clients, args.seconds, dynamodb_endpoint=stack.dynamodb_endpoint,
                          table_prefix=args.table_prefix, rng_seed=args.seed)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
