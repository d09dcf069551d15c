"""An OpenID4VP verifier app over a temporary SQLite database, and credentials to present."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from cryptography import x509
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import sessionmaker

from attestia.errors import install_error_handlers
from credentials.did.jwk import did_jwk_from_jwk
from credentials.keys import SoftwareSigner, generate_private_key, private_key_to_pem
from credentials.sd_jwt import SD
from credentials.sd_jwt_vc import build_payload, issue_sd_jwt_vc
from credentials.vc_jose import sign_vc_jwt
from tests.holder.wallet import Wallet
from verifier.db import VerifierBase
from verifier.oid4vp import models as _models  # noqa: F401  (registers the table)
from verifier.oid4vp.client_id import (
    Prefix,
    did_identity,
    generate_dev_chain,
    redirect_uri_identity,
    x509_hash_identity,
    x509_san_dns_identity,
)
from verifier.oid4vp.service import IdentityFactory, Oid4vpService
from verifier.oid4vp.setup import (
    Oid4vpSettings,
    build_oid4vp_service,
    default_presentation_verifier,
    policy_lookup,
)
from verifier.web import oid4vp as oid4vp_routes

BASE_URL = "http://testserver"
VERIFIER_DID = "did:web:verifier.example"
VCT = "https://credentials.example.com/identity_credential"


class Clock:
    """Wall-clock time plus an adjustable offset (KB-JWTs are stamped with real time)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class Party:
    signer: SoftwareSigner
    did: str
    jwk: dict[str, Any]
    private_jwk: dict[str, Any]


def make_party() -> Party:
    key = generate_private_key("P-256")
    from joserfc.jwk import ECKey

    private = dict(ECKey.import_key(private_key_to_pem(key)).as_dict(private=True))
    public = {k: v for k, v in private.items() if k in ("kty", "crv", "x", "y")}
    did = did_jwk_from_jwk(public)
    return Party(SoftwareSigner(key, f"{did}#0"), did, public, private)


@pytest.fixture(scope="session")
def issuer() -> Party:
    return make_party()


@pytest.fixture(scope="session")
def holder() -> Party:
    return make_party()


@pytest.fixture(scope="session")
def verifier_signer() -> SoftwareSigner:
    return SoftwareSigner(generate_private_key("P-256"), f"{VERIFIER_DID}#request-1")


@pytest.fixture(scope="session")
def dev_chain(verifier_signer: SoftwareSigner) -> list[x509.Certificate]:
    return generate_dev_chain(verifier_signer, "testserver")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def identity_for(
    prefix: Prefix, signer: SoftwareSigner, chain: list[x509.Certificate]
) -> IdentityFactory:
    if prefix == "redirect_uri":
        return redirect_uri_identity
    if prefix == "decentralized_identifier":
        fixed = did_identity(signer, VERIFIER_DID, signer.kid)
    elif prefix == "x509_hash":
        fixed = x509_hash_identity(signer, chain)
    else:
        fixed = x509_san_dns_identity(signer, chain, "testserver")
    return lambda _uri: fixed


@dataclass
class Deployment:
    app: FastAPI
    client: TestClient
    wallet: Wallet
    service: Oid4vpService
    clock: Clock


@pytest.fixture
def deploy(
    tmp_path: Path,
    clock: Clock,
    verifier_signer: SoftwareSigner,
    dev_chain: list[x509.Certificate],
) -> Iterator[Callable[..., Deployment]]:
    engines: list[Engine] = []

    def build(prefix: Prefix = "x509_hash", **settings: Any) -> Deployment:
        engine = create_engine(f"sqlite:///{tmp_path / f'db{len(engines)}.sqlite'}")
        engines.append(engine)
        VerifierBase.metadata.create_all(engine)
        service = build_oid4vp_service(
            base_url=BASE_URL,
            sessions=sessionmaker(bind=engine, expire_on_commit=False),
            identity=identity_for(prefix, verifier_signer, dev_chain),
            verifier=default_presentation_verifier(),
            policy_query=policy_lookup(BASE_URL),
            settings=Oid4vpSettings(**settings),
            clock=clock,
        )
        app = FastAPI()
        install_error_handlers(app)
        app.include_router(oid4vp_routes.router)
        app.state.oid4vp = service
        client = TestClient(app)
        wallet = Wallet(
            cast(httpx.Client, client),  # TestClient is an httpx2.Client: same interface
            trust_anchors=[dev_chain[-1]],
            did_keys={verifier_signer.kid: verifier_signer.public_jwk()},
        )
        return Deployment(app, client, wallet, service, clock)

    yield build
    for engine in engines:
        engine.dispose()


def issue_identity_sd_jwt(issuer: Party, holder: Party, **overrides: Any) -> str:
    claims = {
        "given_name": SD("Marianne"),
        "family_name": SD("Dupont"),
        "siren": SD("130025265"),
        "address": SD({"street_address": SD("20 avenue de Ségur"), "locality": SD("Paris")}),
        **overrides,
    }
    payload = build_payload(
        vct=VCT,
        iss=issuer.did,
        iat=int(time.time()) - 60,
        exp=int(time.time()) + 3600,
        claims=claims,
        holder_jwk=holder.jwk,
    )
    return issue_sd_jwt_vc(payload, issuer.signer).compact


def issue_identity_vc_jwt(issuer: Party, holder: Party) -> str:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "IDCredential"],
        "issuer": issuer.did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": holder.did, "given_name": "Marianne", "family_name": "Dupont"},
    }
    return sign_vc_jwt(credential, issuer.signer, issued_at=int(time.time()) - 60)
