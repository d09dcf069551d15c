"""Verifications per second per format, warm caches, over the connector API (VC API).

Credentials are issued over OpenID4VCI by the running servers themselves; then clients
``POST /verifier/presentations/verify`` (SD-JWT VC + KB-JWT, a fresh nonce each) and
``POST /verifier/credentials/verify`` (SD-JWT VC, ``vc+jwt``, Data Integrity) for a fixed
time, round robin over the servers. The first call of each kind warms the caches (issuer
DID document, status list, type metadata) and must verify. Each figure is set against the
raw signature verifications one verification contains, measured in the same run.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx

from scripts.loadtest.cluster import Cluster
from scripts.loadtest.offers import OfferFactory
from scripts.loadtest.run import percentile
from scripts.loadtest.wallets import PRE_AUTHORIZED, HolderKey, http_session, run_event_loop

AUDIENCE = "x509_hash:benchmark-verifier"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: str
    raw: str  # the raw primitive, e.g. "ES256"
    signatures: int  # raw signature verifications in one verification
    body: Callable[[], bytes]  # a JSON request body, serialised beforehand


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    per_second: float
    p50_ms: float
    p95_ms: float
    raw: str
    signatures: int
    count: int
    errors: int


def issue(cluster: Cluster, factory: OfferFactory, configuration_id: str) -> tuple[Any, Any]:
    """One credential of ``configuration_id`` over OpenID4VCI; (credential, private JWK)."""
    (offer,) = factory.create((configuration_id,), 1)
    server = cluster.urls[0]
    with httpx.Client(base_url=server, timeout=60) as http:
        token = http.post(
            "/issuer/token",
            data={
                "grant_type": PRE_AUTHORIZED,
                "pre-authorized_code": offer.pre_authorized_code,
                "tx_code": offer.tx_code,
            },
        ).json()["access_token"]
        nonce = http.post("/issuer/nonce").json()["c_nonce"]
        key = HolderKey()
        answer = http.post(
            "/issuer/credential",
            json={
                "credential_configuration_id": configuration_id,
                "proofs": {"jwt": [key.proof(audience=cluster.base_url, nonce=nonce)]},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        answer.raise_for_status()
        return answer.json()["credentials"][0]["credential"], key.private_jwk


def cases(cluster: Cluster, factory: OfferFactory) -> list[Case]:
    from tests.holder.wallet import sd_jwt_presentation

    sd_jwt, holder_jwk = issue(cluster, factory, "company_registration_sd_jwt")
    ldp, _ = issue(cluster, factory, "company_registration_ldp_vc")
    vc_jwt, _ = issue(cluster, factory, "company_registration_jwt_vc")
    presentations: list[bytes] = []
    for _ in range(256):
        nonce = secrets.token_urlsafe(24)
        presentation = sd_jwt_presentation(
            sd_jwt,
            {"siren": True, "legal_name": True},
            holder_jwk=holder_jwk,
            nonce=nonce,
            aud=AUDIENCE,
        )
        body = {
            "verifiablePresentation": presentation,
            "options": {"challenge": nonce, "domain": AUDIENCE},
        }
        presentations.append(_json(body))
    turn = iter(range(1 << 62))

    def presented() -> bytes:
        return presentations[next(turn) % len(presentations)]

    def credential(value: Any) -> Callable[[], bytes]:
        body = _json({"verifiableCredential": value})
        return lambda: body

    return [
        Case("SD-JWT VC presentation (KB-JWT)", "presentations", "ES256", 2, presented),
        Case("SD-JWT VC credential", "credentials", "ES256", 1, credential(sd_jwt)),
        Case("vc+jwt credential", "credentials", "ES256", 1, credential(vc_jwt)),
        Case(
            "Data Integrity eddsa-rdfc-2022 credential",
            "credentials",
            "EdDSA",
            1,
            credential(ldp),
        ),
    ]


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


JSON = {"Content-Type": "application/json"}


async def _verify(http: aiohttp.ClientSession, url: str, body: bytes) -> tuple[int, bytes]:
    async with http.post(url, data=body, headers=JSON) as answer:
        return answer.status, await answer.read()


def _verified(status: int, body: bytes) -> bool:
    return status == 200 and json.loads(body).get("verified") is True


async def _measure(cluster: Cluster, case: Case, clients: int, seconds: float) -> Figure:
    """``clients`` concurrent callers on one aiohttp session (pooled connections)."""
    latencies: list[float] = []
    errors = 0
    urls = [f"{url}/verifier/{case.path}/verify" for url in cluster.urls]
    async with http_session(connections=clients + len(urls)) as http:
        for url in urls:  # warm every server's caches; the first answer must verify
            status, body = await _verify(http, url, case.body())
            if not _verified(status, body):
                raise RuntimeError(f"{case.name}: not verified on warm-up: {body[:600]!r}")
        deadline = time.monotonic() + seconds

        async def client(number: int) -> None:
            nonlocal errors
            turn = number
            while time.monotonic() < deadline:
                turn += 1
                started = time.perf_counter()
                try:
                    status, body = await _verify(http, urls[turn % len(urls)], case.body())
                except (aiohttp.ClientError, TimeoutError):
                    errors += 1
                    continue
                if _verified(status, body):
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.monotonic() - started
    return Figure(
        case.name,
        len(latencies) / elapsed,
        1000 * percentile(latencies, 0.5),
        1000 * percentile(latencies, 0.95),
        case.raw,
        case.signatures,
        len(latencies),
        errors,
    )


def measure(cluster: Cluster, clients: int = 8, seconds: float = 8.0) -> list[Figure]:
    factory = OfferFactory(cluster.database_url, cluster.base_url)
    try:
        chosen = cases(cluster, factory)
    finally:
        factory.close()
    return [run_event_loop(_measure(cluster, case, clients, seconds)) for case in chosen]


def raw_verifications_per_second(algorithm: str, seconds: float = 1.0) -> float:
    """One core: raw ``algorithm`` signature verifications per second."""
    from credentials.keys import generate_private_key, sign_raw, verify_raw

    key = generate_private_key("P-256" if algorithm == "ES256" else "Ed25519")
    data = secrets.token_bytes(300)
    signature = sign_raw(key, algorithm, data)
    public = key.public_key()
    count = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for _ in range(50):
            verify_raw(public, algorithm, data, signature)
        count += 50
    return count / seconds
