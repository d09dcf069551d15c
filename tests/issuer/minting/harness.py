"""A test issuer: fixed keys under a did:web, a settable clock, services on a database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from attestia.db import make_engine, make_session_factory
from credentials.data_integrity import StaticResolver
from credentials.did.document import PublishedKey, build_did_document
from credentials.jsonld import ContextRegistry
from credentials.keys import (
    KeyType,
    PublicKey,
    Signer,
    SoftwareSigner,
    generate_private_key,
    jwk_thumbprint,
    public_jwk,
)
from issuer.db import IssuerBase
from issuer.minting.services import IssuerServices, build_issuer_services

BASE_URL = "https://issuer.example"
DID = "did:web:issuer.example"
START = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)


class Clock:
    """A settable clock for the services."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _signer(key_type: KeyType) -> SoftwareSigner:
    key = generate_private_key(key_type)
    return SoftwareSigner(key, f"{DID}#{jwk_thumbprint(public_jwk(key.public_key()))}")


#: P-256 and Ed25519 sign the project's formats; RSA signs Gaia-X credentials (PS256).
SIGNERS: dict[KeyType, SoftwareSigner] = {kt: _signer(kt) for kt in ("P-256", "Ed25519", "RSA")}


def signers(key_type: KeyType) -> Signer:
    return SIGNERS[key_type]


def did_document() -> dict[str, Any]:
    keys = [
        PublishedKey(s.kid.split("#", 1)[1], s.public_key(), ("assertionMethod",))
        for s in SIGNERS.values()
    ]
    return build_did_document(DID, keys)


def di_resolver() -> StaticResolver:
    return StaticResolver([did_document()])


def resolve_issuer_key(kid: str) -> PublicKey:
    for signer in SIGNERS.values():
        if signer.kid == kid:
            return signer.public_key()
    raise KeyError(kid)


def jose_key_resolver(header: Any) -> PublicKey:
    return resolve_issuer_key(header["kid"])


REGISTRY = ContextRegistry.standard()


@dataclass
class Issuer:
    services: IssuerServices
    clock: Clock
    sessions: sessionmaker[Session]


@contextmanager
def issuer_on(url: str, **options: Any) -> Iterator[Issuer]:
    """Tables created on ``url`` with ``IssuerBase.metadata``; the engine disposed after."""
    engine = make_engine(url)
    IssuerBase.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    clock = Clock()
    options.setdefault("signers", signers)
    services = build_issuer_services(
        sessions=sessions,
        base_url=BASE_URL,
        did=DID,
        clock=clock,
        context_registry=REGISTRY,
        **options,
    )
    try:
        yield Issuer(services, clock, sessions)
    finally:
        engine.dispose()
