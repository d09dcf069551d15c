"""The issuer's shared objects, built once at start and put on ``app.state.issuer``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from credentials.jsonld import ContextRegistry
from credentials.sd_jwt.disclosure import SaltSource
from credentials.sd_jwt.issuer import default_salt
from issuer.catalogue import Catalogue, load_catalogue
from issuer.catalogue.models import Cryptosuite
from issuer.catalogue.vocabulary import ATTESTIA_V1, register
from issuer.minting.minter import CredentialMinter
from issuer.status.allocation import LIST_SIZE, RandBelow, StatusAllocator
from issuer.status.publication import SignerSource, StatusListPublisher, StatusListUrls
from issuer.status.revocation import RevocationService


@dataclass(frozen=True, slots=True)
class IssuerServices:
    """What the issuer routers need: catalogue, minter, status services, sessions."""

    catalogue: Catalogue
    minter: CredentialMinter
    allocator: StatusAllocator
    publisher: StatusListPublisher
    revocation: RevocationService
    sessions: sessionmaker[Session]
    context_registry: ContextRegistry
    base_url: str
    did: str
    clock: Callable[[], datetime]


def build_issuer_services(
    *,
    sessions: sessionmaker[Session],
    signers: SignerSource,
    base_url: str,
    did: str,
    clock: Callable[[], datetime],
    context_registry: ContextRegistry,
    cryptosuite: Cryptosuite = "eddsa-rdfc-2022",
    catalogue_directory: Path | None = None,
    status_list_size: int = LIST_SIZE,
    status_ttl_seconds: int = 300,
    randbelow: RandBelow = secrets.randbelow,
    salt: SaltSource = default_salt,
) -> IssuerServices:
    """Load the catalogue (validated) and wire the minter and the status services.

    ``signers(key_type)`` returns the active issuer signer of that key type (``"P-256"``,
    ``"Ed25519"``), e.g. ``lambda kt: keystore.signer("issuer", kt)``, so that a key
    rotation is picked up by the next credential. ``context_registry`` is extended with the
    project vocabulary when it lacks it.
    """
    base = base_url.rstrip("/")
    catalogue = load_catalogue(base, directory=catalogue_directory, cryptosuite=cryptosuite)
    registry = context_registry if ATTESTIA_V1 in context_registry else register(context_registry)
    urls = StatusListUrls(base)
    allocator = StatusAllocator(size=status_list_size, randbelow=randbelow)
    minter = CredentialMinter(
        catalogue=catalogue,
        allocator=allocator,
        signers=signers,
        urls=urls,
        issuer_did=did,
        context_registry=registry,
        clock=clock,
        salt=salt,
    )
    publisher = StatusListPublisher(
        signers=signers,
        urls=urls,
        issuer_did=did,
        clock=clock,
        ttl_seconds=status_ttl_seconds,
    )
    return IssuerServices(
        catalogue=catalogue,
        minter=minter,
        allocator=allocator,
        publisher=publisher,
        revocation=RevocationService(clock=clock),
        sessions=sessions,
        context_registry=registry,
        base_url=base,
        did=did,
        clock=clock,
    )
