"""The run and its report: servers up, offers ready, wallets for a fixed time, invariants.

Offers for the expected number of issuances are created before the clock starts (their
creation time is reported apart, not in the throughput); a refill during the run is only a
fallback for a run that outlasts them. The report gives the load process's own CPU over the
measured window: when it nears a core, the figures measure the client, not the servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509

from attestia.db import make_engine
from attestia.invariants import InvariantReport, check_invariants
from scripts.loadtest.cluster import Cluster
from scripts.loadtest.cpu import CpuUse
from scripts.loadtest.cpu import sample as sample_cpu
from scripts.loadtest.offers import OfferFactory, OfferPool
from scripts.loadtest.wallets import (
    Fleet,
    LoadWallet,
    Scenario,
    Stats,
    company_query,
    http_session,
    run_event_loop,
)
from tests.holder.wallet import Wallet

MAX_WALLETS = 256
MAX_DURATION = 3600.0
#: Seconds of load after a crashed server is back, however long its restart took.
AFTER_RESTART = 4.0
#: Offers created before the clock: a generous bound on issuances per second (one wallet
#: chains its requests; all wallets together are bounded by the servers), capped in count.
OFFERS_PER_WALLET_SECOND = 100.0
OFFERS_PER_SECOND = 300.0
MAX_OFFERS_BEFORE = 20_000


@dataclass(frozen=True, slots=True)
class LoadConfig:
    database_url: str
    servers: int = 2
    wallets: int = 8
    duration: float = 20.0
    scenario: Scenario = "mixed"
    configurations: tuple[str, ...] = ("company_registration_sd_jwt",)
    replay_every: int = 10
    crash: bool = False
    crash_at: float = 0.4
    restart_after: float = 1.0
    workdir: Path | None = None
    #: When set, ``py-spy record`` samples every server during the run (collapsed stacks).
    profile_dir: Path | None = None
    #: With ``profile_dir``: only samples holding the GIL (py-spy ``--gil``).
    profile_gil: bool = False
    #: Seconds of the same load before the clock starts (connections opened, statements
    #: prepared, caches filled): what the figures describe is the steady state. Its flows
    #: are real and the invariant check covers them; only the figures leave them out.
    warmup: float = 0.0

    def __post_init__(self) -> None:
        if not 1 <= self.wallets <= MAX_WALLETS:
            raise ValueError(f"--wallets must be within 1..{MAX_WALLETS}")
        if not 0 < self.duration <= MAX_DURATION:
            raise ValueError(f"--duration must be within (0, {MAX_DURATION:.0f}] seconds")
        if not 1 <= self.servers <= 8:
            raise ValueError("--servers must be within 1..8")
        if not 0 <= self.warmup <= MAX_DURATION:
            raise ValueError(f"--warmup must be within [0, {MAX_DURATION:.0f}] seconds")

    def offers_before(self) -> int:
        """Offers to create before the clock starts (none for ``verify``: it only issues
        one credential per wallet, before the clock)."""
        if self.scenario == "verify":
            return 0
        rate = min(self.wallets * OFFERS_PER_WALLET_SECOND, OFFERS_PER_SECOND)
        if self.scenario == "mixed":  # a verification after each issuance
            rate /= 2
        seconds = self.warmup + self.duration
        seconds += self.restart_after + AFTER_RESTART if self.crash else 0
        return min(MAX_OFFERS_BEFORE, math.ceil(rate * seconds) + 4 * self.wallets)


@dataclass
class LoadResult:
    config: LoadConfig
    stats: Stats
    report: InvariantReport
    elapsed: float
    peak_rss_kib: list[int]
    events: list[str]
    completed_at_restart: int | None = None
    #: CPU seconds of the load process itself (every thread) over the measured window.
    client_cpu_seconds: float = 0.0
    #: CPU seconds of the servers and of PostgreSQL, and the machine's busy share.
    cpu: CpuUse = field(default_factory=CpuUse)
    #: Offers created before the clock and the seconds that took; offers created during it.
    offers_before: int = 0
    offers_before_seconds: float = 0.0
    offers_during: int = 0

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def flows(self) -> int:
        return sum(self.stats.completed.values())

    def ms_per_flow(self, cpu_seconds: float) -> float:
        """CPU milliseconds per completed flow (NaN when none completed)."""
        return 1000 * cpu_seconds / self.flows if self.flows else float("nan")


class LoadRun:
    """One run: the cluster, the wallets' fleet, the crash schedule, events."""

    def __init__(self, config: LoadConfig, cluster: Cluster, fleet: Fleet) -> None:
        self.config = config
        self.cluster = cluster
        self.fleet = fleet
        self.events: list[str] = []
        self.completed_at_restart: int | None = None
        self._started = time.monotonic()

    def event(self, text: str) -> None:
        self.events.append(f"t+{time.monotonic() - self._started:5.1f}s {text}")

    async def crash(self) -> None:
        """SIGKILL a server at ``crash_at`` of the run, restart it ``restart_after`` later."""
        fleet = self.fleet
        await asyncio.sleep(self.config.duration * self.config.crash_at)
        victim = 1 if len(self.cluster.urls) > 1 else 0
        fleet.restarting = True
        self.cluster.kill(victim)
        self.event(f"SIGKILL server {victim} ({self.cluster.urls[victim]})")
        await asyncio.sleep(self.config.restart_after)
        await asyncio.to_thread(self.cluster.restart, victim)
        self.completed_at_restart = sum(fleet.stats.completed.values())
        self.event(f"server {victim} restarted and ready")
        # The load goes on past the restart whatever the restart took.
        fleet.deadline = max(fleet.deadline, time.monotonic() + AFTER_RESTART)
        fleet.restarting = False

    async def sample_memory(self, done: asyncio.Event) -> None:
        while not done.is_set():
            self.cluster.sample_rss()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.5)


def _start_profilers(cluster: Cluster, config: LoadConfig) -> list[subprocess.Popen[bytes]]:
    if config.profile_dir is None:
        return []
    config.profile_dir.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    started = []
    for index, process in enumerate(cluster.processes):
        assert process is not None
        output = config.profile_dir / f"server-{index}.collapsed"
        command = [str(spy), "record", "--pid", str(process.pid), "--format", "raw"]
        command += ["--duration", str(max(1, int(config.duration) - 1)), "--rate", "200"]
        command += ["--nonblocking", *(["--gil"] if config.profile_gil else [])]
        command += ["--output", str(output)]
        started.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    return started


def _warm_up(cluster: Cluster) -> Wallet:
    """One transaction per server, in turn (the first writes the verifier's dev x509 chain,
    the others read it), then the holder that trusts that chain's root."""
    for url in cluster.urls:
        answer = httpx.post(
            f"{url}/verifier/transactions",
            json={"dcql_query": company_query(cluster.base_url)},
            timeout=60,
        )
        answer.raise_for_status()
    # The dev bootstrap registers this deployment's DID in the trust registry at the first
    # start, valid from that instant; a credential's ``iat`` is in whole seconds, so one
    # issued within the same second would predate its issuer's grant and never be trusted.
    time.sleep(1.1)
    pem = (cluster.data_dir / "verifier" / "x509-dev-chain.pem").read_bytes()
    root = x509.load_pem_x509_certificates(pem)[-1]
    return Wallet(httpx.Client(), trust_anchors=[root])


async def _drive(config: LoadConfig, cluster: Cluster, holder: Wallet) -> LoadResult:
    factory = OfferFactory(config.database_url, cluster.base_url)
    offers = OfferPool(factory, config.configurations)
    http = http_session(connections=config.wallets * 2 + 4)
    fleet = Fleet(cluster, http, offers, holder, replay_every=config.replay_every)
    run = LoadRun(config, cluster, fleet)
    done = asyncio.Event()
    helpers: list[asyncio.Task[None]] = []
    try:
        await offers.fill(config.offers_before())
        wallets = [LoadWallet(i, fleet) for i in range(config.wallets)]
        if config.scenario == "verify":  # each wallet first gets the SD-JWT VC it presents
            await offers.fill(config.wallets, ("company_registration_sd_jwt",))
            await asyncio.gather(*(w.issue(False) for w in wallets))
            fleet.stats = Stats()
        else:
            helpers.append(asyncio.create_task(offers.keep_filled(2 * config.wallets, done)))
        helpers.append(asyncio.create_task(run.sample_memory(done)))
        if config.warmup > 0:
            run.event(f"warm-up: {config.warmup:.0f} s")
            fleet.deadline = time.monotonic() + config.warmup
            await asyncio.gather(*(w.loop(config.scenario) for w in wallets))
            fleet.stats = Stats(observed=fleet.stats.observed)  # the invariants keep them
        profilers = _start_profilers(cluster, config)
        run.event(f"load starts: {config.wallets} wallets on {len(cluster.urls)} servers")
        cpu_started = time.process_time()
        system_started = sample_cpu(cluster.pids())
        started = time.monotonic()
        fleet.deadline = started + config.duration
        crash = asyncio.create_task(run.crash()) if config.crash else None
        await asyncio.gather(*(w.loop(config.scenario) for w in wallets))
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - cpu_started
        system_cpu = CpuUse.between(system_started, sample_cpu(cluster.pids()))
        run.event("load ends")
        for profiler in profilers:
            await asyncio.to_thread(profiler.wait, 60)
        if crash is not None:
            await crash
    finally:
        done.set()
        await asyncio.gather(*helpers)
        await http.close()
        factory.close()
    return LoadResult(
        config,
        fleet.stats,
        InvariantReport(),
        elapsed,
        [],
        run.events,
        run.completed_at_restart,
        client_cpu_seconds=client_cpu,
        cpu=system_cpu,
        offers_before=offers.filled,
        offers_before_seconds=offers.fill_seconds,
        offers_during=offers.refilled,
    )


def run_load(config: LoadConfig) -> LoadResult:
    """Start the servers, drive the load, stop them, then check the invariants."""
    workdir = config.workdir or Path(tempfile.mkdtemp(prefix="attestia-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(config.database_url, config.servers, workdir)
    holder = None
    try:
        cluster.start_all()
        holder = _warm_up(cluster)
        result = run_event_loop(_drive(config, cluster, holder))
    finally:
        cluster.stop()
        if holder is not None:
            holder.http.close()
    result.peak_rss_kib = list(cluster.peak_rss_kib)
    engine = make_engine(config.database_url)
    try:
        result.report = check_invariants(engine, result.stats.observed)
    finally:
        engine.dispose()
    return result


# Report -------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _cpu_part(name: str, seconds: float, result: LoadResult) -> str:
    cores = seconds / result.elapsed if result.elapsed else float("nan")
    return f"{name} {cores:.2f} cores ({result.ms_per_flow(seconds):.1f} ms per completed flow)"


def _client_line(result: LoadResult) -> str:
    return "load generator CPU: " + _cpu_part("", result.client_cpu_seconds, result).strip()


def _cpu_line(result: LoadResult) -> str:
    """Where the machine's CPU went during the window (PostgreSQL's when it is local)."""
    parts = [
        _cpu_part("servers", result.cpu.servers, result),
        _cpu_part("database", result.cpu.database, result),
    ]
    return f"CPU: {'; '.join(parts)}; machine busy {100 * result.cpu.machine_busy:.0f} %"


def _offers_line(result: LoadResult) -> str:
    line = (
        f"offers: {result.offers_before} created before the clock "
        f"({result.offers_before_seconds:.1f} s, not measured)"
    )
    if result.offers_during:
        line += f", {result.offers_during} more during the run (load-process work)"
    return line


def format_report(result: LoadResult) -> str:
    config, stats = result.config, result.stats
    database = "PostgreSQL" if config.database_url.startswith("postgresql") else "SQLite"
    lines = [
        f"{config.wallets} wallets, {config.servers} server process(es), {database}, "
        f"scenario {config.scenario}, {result.elapsed:.1f} s"
        + (" with a SIGKILL + restart" if config.crash else ""),
        *result.events,
        "",
        "completed:",
    ]
    for name, count in sorted(stats.completed.items()):
        lines.append(f"  {name:<52} {count:>7}  {count / result.elapsed:8.1f}/s")
    lines += ["", f"  {'latency (ms)':<40} {'n':>7} {'p50':>8} {'p95':>8} {'p99':>8}"]
    for step, values in sorted(stats.latencies.items()):
        p50, p95, p99 = (1000 * percentile(values, q) for q in (0.5, 0.95, 0.99))
        lines.append(f"  {step:<40} {len(values):>7} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
    lines += ["", "answers by step and HTTP status (or transport error):"]
    for step, counter in sorted(stats.statuses.items()):
        shown = ", ".join(f"{status}: {n}" for status, n in sorted(counter.items()))
        lines.append(f"  {step:<28} {shown}")
    if stats.failures:
        lines += ["", "iterations stopped early:"]
        lines += [f"  {name}: {n}" for name, n in sorted(stats.failures.items())]
    rss = ", ".join(f"{kib / 1024:.0f} MiB" for kib in result.peak_rss_kib)
    lines += [
        "",
        f"peak RSS per server process: {rss}",
        _client_line(result),
        _cpu_line(result),
        _offers_line(result),
        "",
        result.report.summary(),
    ]
    return "\n".join(lines)


def result_json(result: LoadResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "elapsed": result.elapsed,
        "completed": dict(stats.completed),
        "throughput": {k: v / result.elapsed for k, v in stats.completed.items()},
        "latency_ms": {
            step: {
                "n": len(values),
                **{f"p{int(q * 100)}": 1000 * percentile(values, q) for q in (0.5, 0.95, 0.99)},
            }
            for step, values in stats.latencies.items()
        },
        "statuses": {step: dict(c) for step, c in stats.statuses.items()},
        "failures": dict(stats.failures),
        "peak_rss_kib": result.peak_rss_kib,
        "load_generator": {
            "cpu_seconds": result.client_cpu_seconds,
            "cores": result.client_cpu_seconds / result.elapsed if result.elapsed else None,
            "cpu_ms_per_flow": (
                result.ms_per_flow(result.client_cpu_seconds) if result.flows else None
            ),
        },
        "cpu_seconds": {
            "servers": result.cpu.servers,
            "database": result.cpu.database,
            "machine_busy_fraction": result.cpu.machine_busy,
        },
        "offers": {
            "before": result.offers_before,
            "before_seconds": result.offers_before_seconds,
            "during": result.offers_during,
        },
        "events": result.events,
        "invariants": {
            "ok": result.report.ok,
            "facts": result.report.facts,
            "violations": [f"{v.code}: {v.detail}" for v in result.report.violations],
        },
    }
