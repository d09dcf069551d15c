"""Load and crash-safety run: simulated wallets against several server processes.

N wallets (asyncio + aiohttp, loopback only) run, for a fixed duration, complete OpenID4VCI
1.0 issuances (pre-authorized code + ``tx_code`` → token §6 → nonce §7 → credential §8
with a ``jwt`` key proof) and OpenID4VP 1.0 verifications (``POST /verifier/transactions``
→ request object §5.10 → SD-JWT+KB presented by the test holder with ``direct_post.jwt``
§8.3 → result) against ``--servers`` ``attestia serve`` processes sharing one database,
master key and base URL. Offers are created before the clock starts (refilled during the
run only if it outlasts them) with :func:`issuer.oid4vci.credential_offer.create_offer`
against the same database, for a sandbox persona, as ``attestia offer create`` does.

Every ``--replay-every`` iterations a wallet also replays its pre-authorized code, its
``c_nonce`` and its OpenID4VP response: each must be refused. With ``--crash`` one server
is killed with SIGKILL in the middle of the run and restarted.

The report gives throughput, p50/p95/p99 latency per step, answers by HTTP status, the
load generator's own CPU, then the database invariants of :mod:`attestia.invariants`.
Exit status 1 if one is broken. The code is in :mod:`scripts.loadtest`; this is its CLI.

Usage::

    .venv/bin/python scripts/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/x \\
        --servers 2 --wallets 16 --duration 30 [--crash] [--profile DIR [--profile-gil]]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: scripts/ is on the path, not the repository
    sys.path.insert(0, str(REPO))

from scripts.loadtest.cluster import temporary_postgres_database  # noqa: E402
from scripts.loadtest.run import LoadConfig, format_report, result_json, run_load  # noqa: E402


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument(
        "--database-url",
        help="shared database (default: a SQLite file in the work dir); with --fresh-database, "
        "a PostgreSQL admin URL next to which a throwaway database is created",
    )
    parser.add_argument("--fresh-database", action="store_true")
    parser.add_argument("--servers", type=int, default=None, help="default: 2, 1 on SQLite")
    parser.add_argument("--wallets", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of load before the clock starts"
    )
    parser.add_argument("--scenario", choices=["mixed", "issue", "verify"], default="mixed")
    parser.add_argument(
        "--configurations",
        default="company_registration_sd_jwt",
        help="comma-separated credential configuration ids to issue",
    )
    parser.add_argument("--replay-every", type=int, default=10)
    parser.add_argument("--crash", action="store_true", help="SIGKILL a server mid-run")
    parser.add_argument("--crash-at", type=float, default=0.4, help="fraction of the run")
    parser.add_argument("--restart-after", type=float, default=1.0, help="seconds")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--profile", type=Path, help="py-spy every server into DIR (collapsed stacks)"
    )
    parser.add_argument(
        "--profile-gil",
        action="store_true",
        help="with --profile: only samples holding the GIL (py-spy --gil)",
    )
    args = parser.parse_args(argv)
    if args.profile_gil and args.profile is None:
        parser.error("--profile-gil goes with --profile DIR")
    return args


def main(argv: Sequence[str] | None = None, *, crash: bool = False) -> int:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="attestia-load-"))
    drop = None
    url = args.database_url or f"sqlite:///{workdir / 'attestia.db'}"
    if args.fresh_database:
        if not url.startswith("postgresql"):
            print("--fresh-database needs a PostgreSQL admin URL", file=sys.stderr)
            return 2
        url, drop = temporary_postgres_database(url)
    servers = args.servers or (1 if url.startswith("sqlite") else 2)
    try:
        config = LoadConfig(
            database_url=url,
            servers=servers,
            wallets=args.wallets,
            duration=args.duration,
            warmup=args.warmup,
            scenario=args.scenario,
            configurations=tuple(c for c in args.configurations.split(",") if c),
            replay_every=args.replay_every,
            crash=crash or args.crash,
            crash_at=args.crash_at,
            restart_after=args.restart_after,
            workdir=workdir,
            profile_dir=args.profile,
            profile_gil=args.profile_gil,
        )
        result = run_load(config)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if drop is not None:
            drop()
    print(format_report(result))
    print(f"\nserver logs in {workdir}")
    if args.json:
        args.json.write_text(json.dumps(result_json(result), indent=2) + "\n")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
