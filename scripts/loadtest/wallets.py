"""Simulated wallets: holder keys, the issuance and verification flows, step records.

Each wallet runs complete OpenID4VCI 1.0 issuances (pre-authorized code + ``tx_code`` →
token §6 → nonce §7 → credential §8 with a ``jwt`` key proof, Appendix F.1) and OpenID4VP
1.0 verifications (``POST /verifier/transactions`` → request object §5.10 → SD-JWT+KB
presented by the test holder with ``direct_post.jwt`` §8.3 → result). All wallets share
one :class:`aiohttp.ClientSession`, whose pooled keep-alive connections go to loopback IP
addresses (no name resolution): the client's own cost per request stays small, so that a
throughput figure measures the servers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwe
from joserfc.jwk import ECKey

from attestia.invariants import ClientObservations
from credentials import multiformats as mf
from credentials.did.jwk import did_jwk_from_jwk
from credentials.jose import sign_jwt
from credentials.keys import SoftwareSigner
from issuer.minting.minter import credential_digest
from tests.holder.wallet import Wallet, parse_authorization_uri, sd_jwt_presentation
from tests.wallet.keys import PROOF_TYP

if TYPE_CHECKING:
    from scripts.loadtest.cluster import Cluster
    from scripts.loadtest.offers import OfferPool

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
ISSUANCE = "issuance (token+nonce+credential)"
ROUND_TRIP = "verification (round trip)"
Scenario = Literal["mixed", "issue", "verify"]
T = TypeVar("T")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def run_event_loop(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop when it is installed (a cheaper loop for the client too)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def http_session(connections: int) -> aiohttp.ClientSession:
    """One session for all the wallets of a run (call it inside the event loop).

    Connections are pooled per server; an idle one is dropped after 4 s, before uvicorn's
    5 s keep-alive timeout closes it under a request (aiohttp does not resend a POST).
    """
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=0, keepalive_timeout=4)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60))


# Step records -------------------------------------------------------------------------


@dataclass
class Stats:
    """Latency per step, answers by step and HTTP status (or transport error class name),
    completed flows, iterations stopped early, and what the invariants need to know."""

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


class StepFailed(Exception):
    """A step answered something else than expected; the iteration stops there."""


@dataclass(slots=True)
class Answer:
    """A response read whole: its status and body (JSON parsed once, on demand)."""

    status: int
    body: bytes
    _json: Any = None

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self) -> Any:
        if self._json is None:
            self._json = json.loads(self.body)
        return self._json


# Holder keys --------------------------------------------------------------------------


class HolderKey:
    """A fresh P-256 holder key: signs key proofs (OpenID4VCI Appendix F.1) naming it by its
    did:jwk; its private JWK (for the OWF holder's KB-JWT) is only built when asked for."""

    __slots__ = ("_private", "_private_jwk", "kid", "signer")

    def __init__(self) -> None:
        self._private = ec.generate_private_key(ec.SECP256R1())
        self.signer = SoftwareSigner(self._private, kid="")
        self.kid = did_jwk_from_jwk(self.signer.public_jwk()) + "#0"
        self._private_jwk: dict[str, Any] | None = None

    def proof(self, *, audience: str, nonce: str) -> str:
        header = {"typ": PROOF_TYP, "kid": self.kid}
        return sign_jwt(
            header, {"aud": audience, "iat": int(time.time()), "nonce": nonce}, self.signer
        )

    @property
    def private_jwk(self) -> dict[str, Any]:
        if self._private_jwk is None:
            d = self._private.private_numbers().private_value.to_bytes(32, "big")
            self._private_jwk = {**self.signer.public_jwk(), "d": mf.b64url_encode(d)}
        return self._private_jwk


@dataclass(slots=True)
class HolderCredential:
    """An SD-JWT VC the wallet holds, with its ``cnf`` key."""

    compact: str
    key: HolderKey


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


def response_form(claims: dict[str, Any], vp_token: dict[str, list[str]]) -> dict[str, str]:
    """§8.2 ``direct_post`` form, or §8.3 ``direct_post.jwt`` (ECDH-ES to the request's key)."""
    params: dict[str, Any] = {"vp_token": vp_token}
    if claims.get("state"):
        params["state"] = claims["state"]
    if claims.get("response_mode") != "direct_post.jwt":
        return {k: json.dumps(v) if k == "vp_token" else v for k, v in params.items()}
    jwk = dict(claims["client_metadata"]["jwks"]["keys"][0])
    header = {"alg": jwk["alg"], "enc": "A128GCM", "kid": jwk.get("kid")}
    token = jwe.encrypt_compact(
        header,
        json.dumps(params).encode(),
        ECKey.import_key(jwk),
        algorithms=["ECDH-ES", "A128GCM"],
    )
    return {"response": token}


# Wallets ------------------------------------------------------------------------------


@dataclass
class Fleet:
    """What the wallets of one run share: servers, HTTP session, offers, the test holder
    (which checks request objects), the step records and the clock."""

    cluster: Cluster
    http: aiohttp.ClientSession
    offers: OfferPool
    holder: Wallet
    replay_every: int = 10
    stats: Stats = field(default_factory=Stats)
    #: The wallets stop at ``deadline`` (monotonic), unless a crashed server is restarting.
    deadline: float = 0.0
    restarting: bool = False


class LoadWallet:
    """One simulated wallet: issuance and verification loops on the fleet's HTTP session."""

    def __init__(self, number: int, fleet: Fleet) -> None:
        self.number = number
        self.fleet = fleet
        self.turn = number
        self.held: HolderCredential | None = None

    def _server(self) -> str:
        live = self.fleet.cluster.live_urls()
        self.turn += 1
        return live[self.turn % len(live)]

    async def _call(
        self, step: str, method: str, url: str, expect: int | tuple[int, ...], **kw: Any
    ) -> Answer:
        stats = self.fleet.stats
        started = time.perf_counter()
        try:
            async with self.fleet.http.request(method, url, **kw) as response:
                answer = Answer(response.status, await response.read())
        except (aiohttp.ClientError, TimeoutError) as exc:
            stats.record(step, type(exc).__name__)
            raise StepFailed(step) from None
        stats.record(step, answer.status, time.perf_counter() - started)
        if answer.status not in (expect if isinstance(expect, tuple) else (expect,)):
            raise StepFailed(f"{step} {answer.status}: {answer.text[:200]}")
        return answer

    async def issue(self, replay: bool) -> None:
        fleet = self.fleet
        offer = await fleet.offers.get()
        stats = fleet.stats
        server = self._server()
        started = time.perf_counter()
        form = {
            "grant_type": PRE_AUTHORIZED,
            "pre-authorized_code": offer.pre_authorized_code,
            "tx_code": offer.tx_code,
        }
        code_hash = _sha256(offer.pre_authorized_code)
        token_url = f"{server}/issuer/token"
        answer = await self._call("token", "POST", token_url, 200, data=form)
        stats.observed.token_successes[code_hash] += 1
        token = answer.json()["access_token"]
        if replay:
            again = await self._call("token replay", "POST", token_url, (200, 400), data=form)
            if again.status == 200:
                stats.observed.token_successes[code_hash] += 1
        nonce = await self._call("nonce", "POST", f"{server}/issuer/nonce", 200)
        c_nonce = str(nonce.json()["c_nonce"])
        key = HolderKey()
        audience = fleet.cluster.base_url
        body = {
            "credential_configuration_id": offer.configuration_id,
            "proofs": {"jwt": [key.proof(audience=audience, nonce=c_nonce)]},
        }
        headers = {"Authorization": f"Bearer {token}"}
        credential_url = f"{server}/issuer/credential"
        answer = await self._call(
            "credential", "POST", credential_url, 200, json=body, headers=headers
        )
        credentials = self._received(answer, c_nonce)
        stats.latencies[ISSUANCE].append(time.perf_counter() - started)
        stats.completed[f"issuance {offer.configuration_id}"] += 1
        credential = credentials[0]["credential"]
        if isinstance(credential, str) and offer.configuration_id.endswith("_sd_jwt"):
            self.held = HolderCredential(credential, key)
        if replay:
            other = HolderKey()
            body["proofs"] = {"jwt": [other.proof(audience=audience, nonce=c_nonce)]}
            again = await self._call(
                "credential replay", "POST", credential_url, (200, 400), json=body, headers=headers
            )
            if again.status == 200:
                self._received(again, c_nonce)

    def _received(self, answer: Answer, c_nonce: str) -> list[dict[str, Any]]:
        observed = self.fleet.stats.observed
        observed.credential_successes[_sha256(c_nonce)] += 1
        credentials: list[dict[str, Any]] = answer.json()["credentials"]
        for item in credentials:
            observed.returned_digests.append(credential_digest(item["credential"]))
        return credentials

    async def verify(self, replay: bool) -> None:
        held = self.held
        if held is None:
            return
        fleet = self.fleet
        stats = fleet.stats
        server, other = self._server(), self._server()
        started = time.perf_counter()
        created = await self._call(
            "vp transaction",
            "POST",
            f"{server}/verifier/transactions",
            201,
            json={"dcql_query": company_query(fleet.cluster.base_url)},
        )
        transaction = created.json()
        transaction_id = transaction["transaction_id"]
        link = parse_authorization_uri(transaction["authorization_request_uri"])
        fetched = await self._call(
            "vp request object",
            "POST",
            _on(other, link["request_uri"]),
            200,
            data={"wallet_nonce": secrets.token_urlsafe(16)},
        )
        request = fleet.holder.check_request_object(fetched.text, link["client_id"])
        presentation = sd_jwt_presentation(
            held.compact,
            {"siren": True, "legal_name": True},
            holder_jwk=held.key.private_jwk,
            nonce=request.nonce,
            aud=request.client_id,
        )
        form = response_form(request.claims, {"company": [presentation]})
        response_url = _on(server, request.response_uri)
        await self._call("vp response", "POST", response_url, 200, data=form)
        stats.observed.response_acceptances[transaction_id] += 1
        result = await self._call(
            "vp result", "GET", f"{other}/verifier/transactions/{transaction_id}", 200
        )
        verdict = result.json()
        stats.latencies[ROUND_TRIP].append(time.perf_counter() - started)
        if verdict.get("verified") is True:
            stats.completed["verification verified"] += 1
        else:
            failed = [c.get("code") for c in verdict.get("checks", []) if not c.get("passed")]
            stats.failures[f"verification not verified: {failed}"] += 1
        if replay:
            again = await self._call(
                "vp response replay", "POST", response_url, (200, 400), data=form
            )
            if again.status == 200:
                stats.observed.response_acceptances[transaction_id] += 1

    async def loop(self, scenario: Scenario) -> None:
        fleet = self.fleet
        iteration = 0
        while time.monotonic() < fleet.deadline or fleet.restarting:
            iteration += 1
            replay = fleet.replay_every > 0 and iteration % fleet.replay_every == 0
            try:
                if scenario != "verify" or self.held is None:
                    await self.issue(replay)
                if scenario != "issue":
                    await self.verify(replay)
            except StepFailed as exc:
                fleet.stats.failures[str(exc).split(":")[0]] += 1
                await asyncio.sleep(0.05)
