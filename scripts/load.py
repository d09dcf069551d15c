"""Load and crash-safety run: simulated wallets against several server processes.

N wallets (asyncio + httpx, loopback only) run, for a fixed duration, complete OpenID4VCI
1.0 issuances (pre-authorized code + ``tx_code`` → token §6 → nonce §7 → credential §8
with a ``jwt`` key proof) and OpenID4VP 1.0 verifications (``POST /verifier/transactions``
→ request object §5.10 → SD-JWT+KB presented by the test holder with ``direct_post.jwt``
§8.3 → result) against ``--servers`` ``attestia serve`` processes sharing one database,
master key and base URL. Offers are created before the run (and refilled during it) with
:func:`issuer.oid4vci.credential_offer.create_offer` against the same database, for a
sandbox persona, as ``attestia offer create`` does.

Every ``--replay-every`` iterations a wallet also replays its pre-authorized code, its
``c_nonce`` and its OpenID4VP response: each must be refused. With ``--crash`` one server
is killed with SIGKILL in the middle of the run and restarted.

The report gives throughput, p50/p95/p99 latency per step, answers by HTTP status, then
the database invariants of :mod:`attestia.invariants`. Exit status 1 if one is broken.

Usage::

    .venv/bin/python scripts/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/x \\
        --servers 2 --wallets 16 --duration 30 [--crash]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from attestia.invariants import ClientObservations, InvariantReport, check_invariants

REPO = Path(__file__).resolve().parents[1]
PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PERSONA = "presidente-sas"
Scenario = Literal["mixed", "issue", "verify"]
MAX_WALLETS = 256
MAX_DURATION = 3600.0
#: Seconds of load after a crashed server is back, however long its restart took.
AFTER_RESTART = 4.0


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Servers ------------------------------------------------------------------------------


class Cluster:
    """``attestia serve`` processes sharing a database, a master key, a data dir, a base URL.

    Server 0's URL is the public base URL (it serves the status lists and DID document the
    verifier fetches); :meth:`kill` therefore targets another server when there is one.
    """

    def __init__(self, database_url: str, servers: int, workdir: Path) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.ports = [free_port() for _ in range(servers)]
        self.urls = [f"http://127.0.0.1:{p}" for p in self.ports]
        self.base_url = self.urls[0]
        self.data_dir = workdir / "var"
        master = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ATTESTIA_")} | {
            "ATTESTIA_DATABASE_URL": database_url,
            "ATTESTIA_DATA_DIR": str(self.data_dir),
            "ATTESTIA_BASE_URL": self.base_url,
            "ATTESTIA_MASTER_KEY": master,
            "ATTESTIA_LOG_LEVEL": "WARNING",
            # The simulated wallets stand for many wallets but share one loopback address:
            # the per-address Token Endpoint budget would measure the limiter, not the system.
            "ATTESTIA_OID4VCI_TOKEN_RATE_PER_SECOND": "0",
            # did:web over plain http in dev: the resolver matches host:port, the fetcher host.
            "ATTESTIA_DEV_ALLOWED_HOSTS": json.dumps(
                ["127.0.0.1", "localhost", *(f"127.0.0.1:{p}" for p in self.ports)]
            ),
        }
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * servers
        self.alive = [False] * servers
        self.peak_rss_kib: list[int] = [0] * servers
        self.restarts = 0

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"server-{index}.log").open("ab")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "attestia.cli", "serve", "--port", str(self.ports[index])],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()

    def start(self, index: int, timeout: float = 90.0) -> None:
        process = self._spawn(index)
        self.processes[index] = process
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (self.workdir / f"server-{index}.log").read_text(errors="replace")
                raise RuntimeError(f"server {index} exited early:\n{log[-3000:]}")
            try:
                if httpx.get(f"{self.urls[index]}/readyz", timeout=2).status_code == 200:
                    self.alive[index] = True
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {index} not ready within {timeout:.0f} s")

    def start_all(self) -> None:
        for index in range(len(self.ports)):  # one after the other: the first creates keys
            self.start(index)

    def sample_rss(self) -> None:
        for index, process in enumerate(self.processes):
            if process is not None and process.poll() is None:
                self.peak_rss_kib[index] = max(self.peak_rss_kib[index], _peak_rss(process.pid))

    def kill(self, index: int) -> None:
        """SIGKILL: no shutdown hook, no flush, no rollback from the process itself."""
        process = self.processes[index]
        assert process is not None
        self.sample_rss()
        self.alive[index] = False
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def restart(self, index: int) -> None:
        self.start(index)
        self.restarts += 1

    def stop(self) -> None:
        self.sample_rss()
        for process in self.processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in self.processes:
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def live_urls(self) -> list[str]:
        return [url for url, up in zip(self.urls, self.alive, strict=True) if up] or self.urls


def _peak_rss(pid: int) -> int:
    """``VmHWM`` (peak resident set, KiB) of ``pid``, 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


# Offers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PooledOffer:
    configuration_id: str
    pre_authorized_code: str
    tx_code: str


class _NoMinter:
    """The load process only creates offers; the servers mint."""

    def mint(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("the load process does not mint credentials")


class OfferFactory:
    """Creates pre-authorized offers (with ``tx_code``) straight in the shared database."""

    def __init__(self, database_url: str, base_url: str) -> None:
        from attestia.cli_offer import persona_claims
        from attestia.db import make_engine, make_session_factory
        from issuer.catalogue import load_catalogue
        from issuer.oid4vci.adapters import CatalogueAdapter
        from issuer.oid4vci.config import Oid4vciConfig
        from issuer.oid4vci.context import Oid4vciContext

        self.engine = make_engine(database_url)
        self.catalogue = load_catalogue(base_url)
        self.ctx = Oid4vciContext(
            config=Oid4vciConfig(credential_issuer=base_url),
            sessions=make_session_factory(self.engine),
            catalogue=CatalogueAdapter(self.catalogue),
            minter=_NoMinter(),
        )
        self._claims: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._persona_claims = persona_claims

    def _for(self, configuration_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if configuration_id not in self._claims:
            kind = self.catalogue.get(configuration_id).kind_name
            self._claims[configuration_id] = self._persona_claims(PERSONA, kind)
        return self._claims[configuration_id]

    def create(self, configuration_ids: Sequence[str], count: int) -> list[PooledOffer]:
        from issuer.oid4vci.credential_offer import create_offer

        made = []
        with self.ctx.sessions.begin() as session:
            for i in range(count):
                configuration_id = configuration_ids[i % len(configuration_ids)]
                claims, subject = self._for(configuration_id)
                offer = create_offer(
                    self.ctx,
                    session,
                    configuration_ids=[configuration_id],
                    claims_by_configuration={configuration_id: claims},
                    subject=subject,
                    ttl=3600,
                )
                assert offer.pre_authorized_code is not None
                assert offer.tx_code is not None
                made.append(PooledOffer(configuration_id, offer.pre_authorized_code, offer.tx_code))
        return made

    def close(self) -> None:
        self.engine.dispose()


# Measurements -------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    completed: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    observed: ClientObservations = field(default_factory=ClientObservations)

    def record(self, step: str, status: int | str, seconds: float | None = None) -> None:
        self.statuses[step][str(status)] += 1
        if seconds is not None:
            self.latencies[step].append(seconds)
        if isinstance(status, int) and status >= 500:
            self.observed.server_errors[f"{step} {status}"] += 1


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class StepFailed(Exception):
    """A step answered something else than expected; the iteration stops there."""


# Wallets ------------------------------------------------------------------------------


@dataclass
class HolderCredential:
    """An SD-JWT VC the wallet holds, with the private JWK of its ``cnf`` key."""

    compact: str
    private_jwk: dict[str, Any]


def _holder_key() -> tuple[Any, dict[str, Any]]:
    """A fresh P-256 wallet key (tests.wallet) and its private JWK (for the OWF holder)."""
    from joserfc.jwk import ECKey

    from credentials.keys import (
        SoftwareSigner,
        generate_private_key,
        jwk_thumbprint,
        private_key_to_pem,
        public_jwk,
    )
    from tests.wallet.keys import WalletKey

    private = generate_private_key("P-256")
    key = WalletKey("P-256")
    key.signer = SoftwareSigner(private, kid=jwk_thumbprint(public_jwk(private.public_key())))
    jwk = dict(ECKey.import_key(private_key_to_pem(private)).as_dict(private=True))
    return key, jwk


def company_query(base_url: str) -> dict[str, Any]:
    """DCQL (OpenID4VP §6): the company registration SD-JWT VC, two claims."""
    return {
        "credentials": [
            {
                "id": "company",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [f"{base_url}/issuer/vct/company_registration"]},
                "claims": [{"path": ["siren"]}, {"path": ["legal_name"]}],
            }
        ]
    }


def _on(server: str, url: str) -> str:
    """``url`` sent to ``server`` (what a reverse proxy in front of the servers would do)."""
    parts = urlsplit(url)
    return server + parts.path + (f"?{parts.query}" if parts.query else "")


class LoadWallet:
    """One simulated wallet: issuance and verification loops on a shared HTTP client."""

    def __init__(self, number: int, run: LoadRun) -> None:
        self.number = number
        self.run = run
        self.turn = number
        self.held: HolderCredential | None = None

    def _server(self) -> str:
        live = self.run.cluster.live_urls()
        self.turn += 1
        return live[self.turn % len(live)]

    async def _call(
        self, step: str, method: str, url: str, expect: int | tuple[int, ...], **kw: Any
    ) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self.run.http.request(method, url, **kw)
        except httpx.TransportError as exc:
            self.run.stats.record(step, type(exc).__name__)
            raise StepFailed(step) from None
        self.run.stats.record(step, response.status_code, time.perf_counter() - started)
        if response.status_code not in (expect if isinstance(expect, tuple) else (expect,)):
            raise StepFailed(f"{step} {response.status_code}: {response.text[:200]}")
        return response

    async def issue(self, replay: bool) -> None:
        offer = await self.run.next_offer()
        stats = self.run.stats
        server = self._server()
        started = time.perf_counter()
        form = {
            "grant_type": PRE_AUTHORIZED,
            "pre-authorized_code": offer.pre_authorized_code,
            "tx_code": offer.tx_code,
        }
        token_url = f"{server}/issuer/token"
        answer = await self._call("token", "POST", token_url, 200, data=form)
        stats.observed.token_successes[_sha256(offer.pre_authorized_code)] += 1
        token = answer.json()["access_token"]
        if replay:
            again = await self._call("token replay", "POST", token_url, (200, 400), data=form)
            if again.status_code == 200:
                stats.observed.token_successes[_sha256(offer.pre_authorized_code)] += 1
        nonce = (await self._call("nonce", "POST", f"{server}/issuer/nonce", 200)).json()
        c_nonce = str(nonce["c_nonce"])
        key, private_jwk = _holder_key()
        body = {
            "credential_configuration_id": offer.configuration_id,
            "proofs": {"jwt": [key.proof(audience=self.run.cluster.base_url, nonce=c_nonce)]},
        }
        headers = {"Authorization": f"Bearer {token}"}
        credential_url = f"{server}/issuer/credential"
        answer = await self._call(
            "credential", "POST", credential_url, 200, json=body, headers=headers
        )
        self._received(answer, c_nonce)
        stats.latencies["issuance (token+nonce+credential)"].append(time.perf_counter() - started)
        stats.completed[f"issuance {offer.configuration_id}"] += 1
        credential = answer.json()["credentials"][0]["credential"]
        if isinstance(credential, str) and offer.configuration_id.endswith("_sd_jwt"):
            self.held = HolderCredential(credential, private_jwk)
        if replay:
            other, _ = _holder_key()
            body["proofs"] = {
                "jwt": [other.proof(audience=self.run.cluster.base_url, nonce=c_nonce)]
            }
            again = await self._call(
                "credential replay", "POST", credential_url, (200, 400), json=body, headers=headers
            )
            if again.status_code == 200:
                self._received(again, c_nonce)

    def _received(self, answer: httpx.Response, c_nonce: str) -> None:
        from issuer.minting.minter import credential_digest

        observed = self.run.stats.observed
        observed.credential_successes[_sha256(c_nonce)] += 1
        for item in answer.json()["credentials"]:
            observed.returned_digests.append(credential_digest(item["credential"]))

    async def verify(self, replay: bool) -> None:
        from tests.holder.wallet import parse_authorization_uri, sd_jwt_presentation

        held = self.held
        if held is None:
            return
        stats = self.run.stats
        server, other = self._server(), self._server()
        started = time.perf_counter()
        created = await self._call(
            "vp transaction",
            "POST",
            f"{server}/verifier/transactions",
            201,
            json={"dcql_query": company_query(self.run.cluster.base_url)},
        )
        transaction = created.json()
        link = parse_authorization_uri(transaction["authorization_request_uri"])
        fetched = await self._call(
            "vp request object",
            "POST",
            _on(other, link["request_uri"]),
            200,
            data={"wallet_nonce": secrets.token_urlsafe(16)},
        )
        request = self.run.holder.check_request_object(fetched.text, link["client_id"])
        presentation = sd_jwt_presentation(
            held.compact,
            {"siren": True, "legal_name": True},
            holder_jwk=held.private_jwk,
            nonce=request.nonce,
            aud=request.client_id,
        )
        form = _response_form(request.claims, {"company": [presentation]})
        response_url = _on(server, request.response_uri)
        await self._call("vp response", "POST", response_url, 200, data=form)
        stats.observed.response_acceptances[transaction["transaction_id"]] += 1
        result = await self._call(
            "vp result",
            "GET",
            f"{other}/verifier/transactions/{transaction['transaction_id']}",
            200,
        )
        verdict = result.json()
        stats.latencies["verification (round trip)"].append(time.perf_counter() - started)
        if verdict.get("verified") is True:
            stats.completed["verification verified"] += 1
        else:
            failed = [c.get("code") for c in verdict.get("checks", []) if not c.get("passed")]
            stats.failures[f"verification not verified: {failed}"] += 1
        if replay:
            again = await self._call(
                "vp response replay", "POST", response_url, (200, 400), data=form
            )
            if again.status_code == 200:
                stats.observed.response_acceptances[transaction["transaction_id"]] += 1

    async def loop(self, scenario: Scenario) -> None:
        iteration = 0
        while time.monotonic() < self.run.deadline or self.run.restarting:
            iteration += 1
            replay = self.run.replay_every > 0 and iteration % self.run.replay_every == 0
            try:
                if scenario != "verify" or self.held is None:
                    await self.issue(replay)
                if scenario != "issue":
                    await self.verify(replay)
            except StepFailed as exc:
                self.run.stats.failures[str(exc).split(":")[0]] += 1
                await asyncio.sleep(0.05)


def _response_form(claims: dict[str, Any], vp_token: dict[str, list[str]]) -> dict[str, str]:
    """§8.2 ``direct_post`` form, or §8.3 ``direct_post.jwt`` (ECDH-ES to the request's key)."""
    params: dict[str, Any] = {"vp_token": vp_token}
    if claims.get("state"):
        params["state"] = claims["state"]
    if claims.get("response_mode") != "direct_post.jwt":
        return {k: json.dumps(v) if k == "vp_token" else v for k, v in params.items()}
    from joserfc import jwe
    from joserfc.jwk import ECKey

    jwk = dict(claims["client_metadata"]["jwks"]["keys"][0])
    header = {"alg": jwk["alg"], "enc": "A128GCM", "kid": jwk.get("kid")}
    token = jwe.encrypt_compact(
        header,
        json.dumps(params).encode(),
        ECKey.import_key(jwk),
        algorithms=["ECDH-ES", "A128GCM"],
    )
    return {"response": token}


# The run ------------------------------------------------------------------------------


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

    def __post_init__(self) -> None:
        if not 1 <= self.wallets <= MAX_WALLETS:
            raise ValueError(f"--wallets must be within 1..{MAX_WALLETS}")
        if not 0 < self.duration <= MAX_DURATION:
            raise ValueError(f"--duration must be within (0, {MAX_DURATION:.0f}] seconds")
        if not 1 <= self.servers <= 8:
            raise ValueError("--servers must be within 1..8")


@dataclass
class LoadResult:
    config: LoadConfig
    stats: Stats
    report: InvariantReport
    elapsed: float
    peak_rss_kib: list[int]
    events: list[str]
    completed_at_restart: int | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok


class LoadRun:
    """The shared state of one run: cluster, HTTP client, offer queue, holder, stats."""

    def __init__(self, config: LoadConfig, cluster: Cluster, holder: Any) -> None:
        self.config = config
        self.cluster = cluster
        self.holder = holder
        self.stats = Stats()
        self.replay_every = config.replay_every
        self.deadline = 0.0
        self.events: list[str] = []
        self.completed_at_restart: int | None = None
        self.restarting = False
        self.offers: asyncio.Queue[PooledOffer] = asyncio.Queue()
        self.http = httpx.AsyncClient(
            timeout=60, limits=httpx.Limits(max_connections=config.wallets * 2 + 4)
        )
        self._started = time.monotonic()

    def event(self, text: str) -> None:
        self.events.append(f"t+{time.monotonic() - self._started:5.1f}s {text}")

    async def next_offer(self) -> PooledOffer:
        return await self.offers.get()

    async def refill(self, factory: OfferFactory, done: asyncio.Event) -> None:
        low = self.config.wallets * 4
        while not done.is_set():
            if self.offers.qsize() < low and self.config.scenario != "verify":
                batch = await asyncio.to_thread(factory.create, self.config.configurations, low)
                for offer in batch:
                    self.offers.put_nowait(offer)
            await asyncio.sleep(0.05)

    async def crash(self) -> None:
        """SIGKILL a server at ``crash_at`` of the run, restart it ``restart_after`` later."""
        await asyncio.sleep(self.config.duration * self.config.crash_at)
        victim = 1 if len(self.cluster.urls) > 1 else 0
        self.restarting = True
        self.cluster.kill(victim)
        self.event(f"SIGKILL server {victim} ({self.cluster.urls[victim]})")
        await asyncio.sleep(self.config.restart_after)
        await asyncio.to_thread(self.cluster.restart, victim)
        self.completed_at_restart = sum(self.stats.completed.values())
        self.event(f"server {victim} restarted and ready")
        # The load goes on past the restart whatever the restart took.
        self.deadline = max(self.deadline, time.monotonic() + AFTER_RESTART)
        self.restarting = False

    async def sample_memory(self, done: asyncio.Event) -> None:
        while not done.is_set():
            self.cluster.sample_rss()
            await asyncio.sleep(0.5)


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
        command += ["--nonblocking", "--output", str(output)]
        started.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    return started


def _warm_up(cluster: Cluster) -> Any:
    """One transaction per server, in turn (the first writes the verifier's dev x509 chain,
    the others read it), then the holder that trusts that chain's root."""
    from cryptography import x509

    from tests.holder.wallet import Wallet

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


async def _drive(config: LoadConfig, cluster: Cluster, holder: Any) -> LoadResult:
    run = LoadRun(config, cluster, holder)
    factory = OfferFactory(config.database_url, cluster.base_url)
    done = asyncio.Event()
    try:
        if config.scenario != "verify":
            for offer in await asyncio.to_thread(
                factory.create, config.configurations, config.wallets * 8
            ):
                run.offers.put_nowait(offer)
        helpers = [
            asyncio.create_task(run.refill(factory, done)),
            asyncio.create_task(run.sample_memory(done)),
        ]
        wallets = [LoadWallet(i, run) for i in range(config.wallets)]
        if config.scenario == "verify":  # each wallet first gets the SD-JWT VC it presents
            pool = await asyncio.to_thread(
                factory.create, ("company_registration_sd_jwt",), config.wallets
            )
            for offer in pool:
                run.offers.put_nowait(offer)
            await asyncio.gather(*(w.issue(False) for w in wallets))
            run.stats = Stats()
        started = time.monotonic()
        run.deadline = started + config.duration
        run.event(f"load starts: {config.wallets} wallets on {len(cluster.urls)} servers")
        crash = asyncio.create_task(run.crash()) if config.crash else None
        profilers = _start_profilers(cluster, config)
        await asyncio.gather(*(w.loop(config.scenario) for w in wallets))
        elapsed = time.monotonic() - started
        run.event("load ends")
        for profiler in profilers:
            await asyncio.to_thread(profiler.wait, 60)
        if crash is not None:
            await crash
        done.set()
        await asyncio.gather(*helpers)
    finally:
        done.set()
        await run.http.aclose()
        factory.close()
    return LoadResult(
        config, run.stats, InvariantReport(), elapsed, [], run.events, run.completed_at_restart
    )


def run_load(config: LoadConfig) -> LoadResult:
    """Start the servers, drive the load, stop them, then check the invariants."""
    from attestia.db import make_engine

    workdir = config.workdir or Path(tempfile.mkdtemp(prefix="attestia-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(config.database_url, config.servers, workdir)
    holder = None
    try:
        cluster.start_all()
        holder = _warm_up(cluster)
        result = asyncio.run(_drive(config, cluster, holder))
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
    lines += ["", f"peak RSS per server process: {rss}", "", result.report.summary()]
    return "\n".join(lines)


def temporary_postgres_database(admin_url: str) -> tuple[str, Any]:
    """Create an empty database next to ``admin_url``; returns (url, drop callback)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"attestia_load_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


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
    return parser.parse_args(argv)


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
        "events": result.events,
        "invariants": {
            "ok": result.report.ok,
            "facts": result.report.facts,
            "violations": [f"{v.code}: {v.detail}" for v in result.report.violations],
        },
    }


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
            scenario=args.scenario,
            configurations=tuple(c for c in args.configurations.split(",") if c),
            replay_every=args.replay_every,
            crash=crash or args.crash,
            crash_at=args.crash_at,
            restart_after=args.restart_after,
            workdir=workdir,
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
    sys.path.insert(0, str(REPO))
    sys.exit(main())
