"""End-to-end figures from ``scripts/load.py`` runs: issuances and OpenID4VP round trips.

- Issuance (issue #5): token + nonce + credential, for SD-JWT VC and ``ldp_vc``, on SQLite
  (one process) and PostgreSQL (two processes), with 1, 8 and 16 concurrent clients.
- OpenID4VP (issue #7): transaction → request object → ``direct_post.jwt`` response →
  result, SD-JWT VC + KB-JWT, on both databases, with 1, 8 and 16 clients.

Each run also gives the peak RSS of the server processes and the invariant check.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.loadtest.cluster import temporary_postgres_database
from scripts.loadtest.run import LoadConfig, LoadResult, percentile, run_load
from scripts.loadtest.wallets import ISSUANCE, ROUND_TRIP

#: Load before each run's clock starts: the figures are those of the steady state.
WARMUP_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Row:
    what: str
    database: str
    servers: int
    clients: int
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    error_detail: str
    peak_rss_mib: float
    invariants_ok: bool
    #: CPU milliseconds per completed flow: servers, PostgreSQL (0 on SQLite), load process.
    server_cpu_ms: float = float("nan")
    database_cpu_ms: float = float("nan")
    client_cpu_ms: float = float("nan")


@contextmanager
def database(kind: str, postgres_admin_url: str | None, workdir: Path) -> Iterator[str]:
    if kind == "SQLite":
        yield f"sqlite:///{workdir / 'attestia.db'}"
        return
    assert postgres_admin_url is not None
    url, drop = temporary_postgres_database(postgres_admin_url)
    try:
        yield url
    finally:
        drop()


def _row(what: str, kind: str, result: LoadResult, step: str, completed: str) -> Row:
    stats = result.stats
    values = stats.latencies.get(step, [])
    errors = sum(
        n for counter in stats.statuses.values() for s, n in counter.items() if s[0] != "2"
    ) + sum(stats.failures.values())
    detail: Counter[str] = Counter()
    for step, counter in stats.statuses.items():
        for status, n in counter.items():
            if status[0] != "2":
                detail[f"{step} {status}"] += n
    detail.update(stats.failures)
    return Row(
        error_detail="; ".join(f"{name}: {n}" for name, n in detail.most_common(3)),
        what=what,
        database=kind,
        servers=result.config.servers,
        clients=result.config.wallets,
        per_second=stats.completed[completed] / result.elapsed,
        p50_ms=1000 * percentile(values, 0.5),
        p95_ms=1000 * percentile(values, 0.95),
        errors=errors,
        peak_rss_mib=max(result.peak_rss_kib or [0]) / 1024,
        invariants_ok=result.report.ok,
        server_cpu_ms=result.ms_per_flow(result.cpu.servers),
        database_cpu_ms=result.ms_per_flow(result.cpu.database),
        client_cpu_ms=result.ms_per_flow(result.client_cpu_seconds),
    )


def run(
    *,
    postgres_admin_url: str | None,
    seconds: float,
    clients: tuple[int, ...] = (1, 8, 16),
    progress: Callable[[str], None] = print,
    profile_dir: Path | None = None,
) -> list[Row]:
    kinds = ["SQLite"] + (["PostgreSQL"] if postgres_admin_url else [])
    plans = [
        ("SD-JWT VC issuance", "issue", "company_registration_sd_jwt"),
        ("ldp_vc issuance (eddsa-rdfc-2022)", "issue", "company_registration_ldp_vc"),
        ("OpenID4VP round trip (SD-JWT VC + KB-JWT)", "verify", "company_registration_sd_jwt"),
    ]
    rows = []
    for kind in kinds:
        for what, scenario, configuration in plans:
            for count in clients:
                progress(f"{what}, {kind}, {count} client(s)")
                with (
                    tempfile.TemporaryDirectory(prefix="attestia-bench-") as tmp,
                    database(kind, postgres_admin_url, Path(tmp)) as url,
                ):
                    try:
                        result = run_load(
                            LoadConfig(
                                database_url=url,
                                servers=1 if kind == "SQLite" else 2,
                                wallets=count,
                                duration=seconds,
                                warmup=WARMUP_SECONDS,
                                scenario=scenario,  # type: ignore[arg-type]
                                configurations=(configuration,),
                                replay_every=0,
                                workdir=Path(tmp),
                            )
                        )
                    except RuntimeError as exc:  # a server that does not start: say so, go on
                        progress(f"  -> not measured: {str(exc).splitlines()[0]}")
                        continue
                if scenario == "issue":
                    rows.append(_row(what, kind, result, ISSUANCE, f"issuance {configuration}"))
                else:
                    rows.append(_row(what, kind, result, ROUND_TRIP, "verification verified"))
                progress(f"  -> {rows[-1].per_second:.1f}/s, invariants ok: {result.report.ok}")
    if profile_dir is not None and postgres_admin_url:
        progress("profiling the servers (py-spy) during SD-JWT VC issuance, not measured")
        with (
            tempfile.TemporaryDirectory(prefix="attestia-bench-") as tmp,
            database("PostgreSQL", postgres_admin_url, Path(tmp)) as url,
        ):
            run_load(
                LoadConfig(
                    database_url=url,
                    servers=2,
                    wallets=max(clients),
                    duration=seconds,
                    scenario="issue",
                    replay_every=0,
                    workdir=Path(tmp),
                    profile_dir=profile_dir,
                )
            )
    return rows
