"""Against real server processes over HTTP: both flows for every configuration, and
single-use values under 20 concurrent requests — on SQLite (one process) and on PostgreSQL
(two processes sharing the database)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import issuer.oid4vci.models
import issuer.status.models  # noqa: F401  (registers the tables created below)
from attestia.db import make_engine, make_session_factory
from credentials.jsonld import ContextRegistry
from issuer.catalogue import load_catalogue
from issuer.catalogue.vocabulary import register
from issuer.db import IssuerBase
from issuer.gaia_x import gaia_x_registry
from issuer.oid4vci.adapters import CatalogueAdapter
from issuer.oid4vci.config import Oid4vciConfig
from issuer.oid4vci.context import HolderKey, IssuedCredential, Oid4vciContext
from issuer.oid4vci.credential_offer import Offer, create_offer
from tests.issuer.minting.samples import claims_for
from tests.issuer.oid4vci.conftest import PERSONA, persona_sub
from tests.server_process import free_port
from tests.wallet import Wallet, WalletKey
from tests.wallet.verify import IssuerKeys, check_credential

pytestmark = pytest.mark.server
CONCURRENCY = 20


class _NoMinter:
    def mint(self, *_: Any, **__: Any) -> IssuedCredential:
        raise AssertionError("the test process only creates offers")


@dataclass
class Deployment:
    base_url: str
    urls: list[str]
    ctx: Oid4vciContext
    catalogue: Any

    def offer(self, configuration_id: str, **options: Any) -> Offer:
        kind = self.catalogue.get(configuration_id).kind_name
        with self.ctx.sessions.begin() as session:
            return create_offer(
                self.ctx,
                session,
                configuration_ids=[configuration_id],
                claims_by_configuration={configuration_id: claims_for(kind)},
                subject={"sub": persona_sub()},
                **options,
            )


def _start(port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    with (cwd / f"server-{port}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server at {url} exited early")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("server did not start within 60 s")


def _deploy(tmp_path: Path, database_url: str, processes: int) -> Iterator[Deployment]:
    ports = [free_port() for _ in range(processes)]
    base_url = f"http://127.0.0.1:{ports[0]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTESTIA_")} | {
        "ATTESTIA_DATA_DIR": str(tmp_path / "var"),
        "ATTESTIA_BASE_URL": base_url,
        "ATTESTIA_DATABASE_URL": database_url,
    }
    started: list[subprocess.Popen[bytes]] = []
    engine = make_engine(database_url)
    try:
        for port in ports:  # one after the other: the first creates the keys
            process = _start(port, env, tmp_path)
            started.append(process)
            _wait(process, f"http://127.0.0.1:{port}")
        IssuerBase.metadata.create_all(engine)
        catalogue = load_catalogue(base_url)
        ctx = Oid4vciContext(
            config=Oid4vciConfig(credential_issuer=base_url),
            sessions=make_session_factory(engine),
            catalogue=CatalogueAdapter(catalogue),
            minter=_NoMinter(),
        )
        yield Deployment(base_url, [f"http://127.0.0.1:{p}" for p in ports], ctx, catalogue)
    finally:
        for process in started:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        engine.dispose()


@pytest.fixture
def sqlite_deployment(tmp_path: Path) -> Iterator[Deployment]:
    yield from _deploy(tmp_path, f"sqlite:///{tmp_path / 'attestia.db'}", 1)


@pytest.fixture
def postgres_deployment(tmp_path: Path, postgres_url: str) -> Iterator[Deployment]:
    yield from _deploy(tmp_path, postgres_url, 2)


def _race(count: int, attempt: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    barrier = threading.Barrier(count)
    results: list[httpx.Response | None] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = attempt(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def _single_use(deployment: Deployment) -> None:
    configuration_id = next(iter(sorted(deployment.catalogue.configurations)))
    offer = deployment.offer(configuration_id)
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": offer.pre_authorized_code or "",
        "tx_code": offer.tx_code or "",
    }
    clients = [
        httpx.Client(base_url=deployment.urls[i % len(deployment.urls)], timeout=60)
        for i in range(CONCURRENCY)
    ]
    try:
        answers = _race(CONCURRENCY, lambda i: clients[i].post("/issuer/token", data=form))
        codes = sorted(r.status_code for r in answers)
        assert codes == [200] + [400] * (CONCURRENCY - 1), codes
        assert {r.json()["error"] for r in answers if r.status_code == 400} == {"invalid_grant"}
        token = next(r.json()["access_token"] for r in answers if r.status_code == 200)

        nonce = clients[0].post("/issuer/nonce").json()["c_nonce"]
        keys = [WalletKey() for _ in range(CONCURRENCY)]

        def request(i: int) -> httpx.Response:
            proof = keys[i].proof(audience=deployment.base_url, nonce=nonce)
            body = {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}}
            return clients[i].post(
                "/issuer/credential", json=body, headers={"Authorization": f"Bearer {token}"}
            )

        answers = _race(CONCURRENCY, request)
        codes = sorted(r.status_code for r in answers)
        assert codes == [200] + [400] * (CONCURRENCY - 1), [r.json() for r in answers]
        assert {r.json()["error"] for r in answers if r.status_code == 400} == {"invalid_nonce"}
    finally:
        for client in clients:
            client.close()


def test_single_use_values_sqlite(sqlite_deployment: Deployment) -> None:
    _single_use(sqlite_deployment)


@pytest.mark.postgres
def test_single_use_values_postgres_two_processes(postgres_deployment: Deployment) -> None:
    _single_use(postgres_deployment)


def test_both_flows_every_configuration_over_http(sqlite_deployment: Deployment) -> None:
    deployment = sqlite_deployment
    registry = gaia_x_registry(register(ContextRegistry.standard()))
    with httpx.Client(base_url=deployment.base_url, timeout=60) as http:
        keys = IssuerKeys(http, deployment.base_url)
        for configuration_id in sorted(deployment.catalogue.configurations):
            fmt = deployment.catalogue.get(configuration_id).format
            bound = deployment.catalogue.get(configuration_id).builder is None
            wallet = Wallet(http)
            offer = deployment.offer(configuration_id)
            resolved = wallet.resolve_offer(offer.uri_by_reference)
            wallet.discover(resolved["credential_issuer"])
            token = wallet.pre_authorized_token(resolved, offer.tx_code)
            key = WalletKey()
            credentials, _ = wallet.credentials(token, [key], configuration_id=configuration_id)
            check_credential(
                credentials[0],
                fmt,
                keys,
                registry=registry,
                holder_jwk=key.jwk,
                holder_did=key.did,
                holder_bound=bound,
            )

            code_offer = deployment.offer(
                configuration_id, grant="authorization_code", tx_code=False
            )
            dpop_wallet = Wallet(http, use_dpop=True)
            resolved = dpop_wallet.resolve_offer(code_offer.uri_by_value)
            dpop_wallet.discover(resolved["credential_issuer"])
            token = dpop_wallet.authorization_code_token(
                persona=PERSONA,
                configuration_ids=[configuration_id],
                issuer_state=resolved["grants"]["authorization_code"]["issuer_state"],
            )
            batch = [WalletKey(), WalletKey()]
            credentials, _ = dpop_wallet.credentials(
                token, batch, credential_identifier=token.identifier_for(configuration_id)
            )
            for credential, holder in zip(credentials, batch, strict=True):
                check_credential(
                    credential,
                    fmt,
                    keys,
                    registry=registry,
                    holder_jwk=holder.jwk,
                    holder_did=holder.did,
                    holder_bound=bound,
                )


def test_holder_key_round_trip() -> None:
    key = HolderKey(jwk={"kty": "OKP", "crv": "Ed25519", "x": "AA"}, thumbprint="t", did=None)
    assert HolderKey.from_json(key.to_json()) == key
