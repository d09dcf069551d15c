"""What every endpoint function is given: configuration, storage, clock, randomness, and
the two collaborators the protocol does not own — the catalogue of Credential
Configurations and the minter that signs and records credentials.

The collaborators are narrow protocols so that this package depends on behaviour, not on
the catalogue's or the minter's classes (:mod:`.adapters` fits the real ones).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from issuer.observability import SILENT, IssuanceObserver
from issuer.oid4vci.config import Oid4vciConfig

#: Write transactions allowed at once per process, below the connection pool's size
#: (``attestia.db``: 16 + 16 overflow on PostgreSQL). PostgreSQL runs them side by side
#: (row locks) and groups their commits into one WAL flush, so more of them means more
#: throughput; SQLite has one writer at a time and the others only wait, holding
#: connections.
MAX_CONCURRENT_WRITERS = 12
MAX_CONCURRENT_WRITERS_SQLITE = 4


def _engine(sessions: sessionmaker[Session]) -> Engine | None:
    bind = sessions.kw.get("bind")
    return bind if isinstance(bind, Engine) else None


def autocommit_sessions(sessions: sessionmaker[Session]) -> sessionmaker[Session] | None:
    """Autocommit sessions on the engine behind ``sessions``, on PostgreSQL (else ``None``)."""
    engine = _engine(sessions)
    if engine is None or engine.dialect.name != "postgresql":
        return None
    return sessionmaker(
        bind=engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
    )


def writer_limit(sessions: sessionmaker[Session]) -> int:
    """:data:`MAX_CONCURRENT_WRITERS` for the database behind ``sessions``."""
    engine = _engine(sessions)
    sqlite = engine is not None and engine.dialect.name == "sqlite"
    return MAX_CONCURRENT_WRITERS_SQLITE if sqlite else MAX_CONCURRENT_WRITERS


class ConfigurationView(Protocol):
    """One Credential Configuration as the protocol needs it (§12.2.4)."""

    @property
    def id(self) -> str: ...

    @property
    def format(self) -> str: ...

    @property
    def scope(self) -> str: ...

    def issuer_metadata(self) -> dict[str, Any]: ...


class CatalogueView(Protocol):
    """The Credential Configurations this issuer offers, by id."""

    def configurations(self) -> Mapping[str, ConfigurationView]: ...


@dataclass(frozen=True, slots=True)
class HolderKey:
    """The key a wallet proved possession of, to bind one credential to (§8.1).

    ``did`` is set when the proof named its key by a DID URL (``kid``); the minter then puts
    the DID in ``credentialSubject.id`` (VCDM) and the JWK in ``cnf`` (SD-JWT VC).
    """

    jwk: dict[str, Any]
    thumbprint: str
    did: str | None = None
    kid: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"jwk": self.jwk, "thumbprint": self.thumbprint, "did": self.did, "kid": self.kid}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> HolderKey:
        return cls(
            jwk=dict(value["jwk"]),
            thumbprint=str(value["thumbprint"]),
            did=value.get("did"),
            kid=value.get("kid"),
        )


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """What the minter hands back: the credential as it goes in the response, and its id."""

    credential: str | dict[str, Any]
    credential_id: str


class WalletInitiatedGrants(Protocol):
    """Claims for a wallet-initiated authorization (§3.3, no offer): computed from the
    logged-in End-User's identity, ``None`` per configuration while a lookup is pending."""

    def claims_for(
        self, session: Session, *, user: Mapping[str, Any], configuration_ids: list[str]
    ) -> dict[str, dict[str, Any] | None]: ...


class Minter(Protocol):
    """Signs one credential and records it, inside the caller's transaction."""

    def mint(
        self,
        session: Session,
        *,
        configuration_id: str,
        claims: Mapping[str, Any],
        subject: Mapping[str, Any],
        holder: HolderKey,
    ) -> IssuedCredential: ...


def digest(value: str) -> str:
    """The SHA-256 hex digest under which a secret value is stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _token(nbytes: int) -> str:
    return secrets.token_urlsafe(nbytes)


@dataclass(frozen=True, slots=True)
class Oid4vciContext:
    """Configuration and injected dependencies of the OpenID4VCI endpoints."""

    config: Oid4vciConfig
    sessions: sessionmaker[Session]
    catalogue: CatalogueView
    minter: Minter
    wallet_initiated: WalletInitiatedGrants | None = None
    clock: Callable[[], float] = time.time
    token: Callable[[int], str] = field(default=_token)
    writers: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_CONCURRENT_WRITERS)
    )
    digits: Callable[[int], str] = field(
        default=lambda n: "".join(secrets.choice("0123456789") for _ in range(n))
    )
    observer: IssuanceObserver = SILENT
    #: Sessions in autocommit mode (PostgreSQL), for work that is one statement: a read,
    #: or a lone insert. It then costs one round trip instead of three (BEGIN, the
    #: statement, COMMIT or ROLLBACK). ``None``: :attr:`sessions` is used.
    single_statements: sessionmaker[Session] | None = None
    #: HMAC key of the ``c_nonce`` values (:mod:`.nonce`). Processes that share a database
    #: must share it (the composition derives it from the key store's master secret); the
    #: default, fresh per context, suits one process.
    nonce_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def now(self) -> float:
        return self.clock()

    def new_secret(self) -> str:
        """A fresh unguessable value (256 bits, base64url)."""
        return self.token(32)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction, committed on success and rolled back on any error.

        On SQLite it starts with ``BEGIN IMMEDIATE``: the write lock is taken (waiting up
        to the busy timeout) before any snapshot is read, so a consuming ``UPDATE`` never
        fails with "database is locked" because another writer committed meanwhile.

        At most :data:`MAX_CONCURRENT_WRITERS` of these run at once in a process: a
        transaction that waits for a lock holds a pooled connection, and the lock holder
        may need another one (the key store reads the signing key), so an unbounded number
        of waiters could drain the pool and stall the holder until the lock wait times out.
        """
        with self.writers, self.sessions.begin() as session:
            if session.get_bind().dialect.name == "sqlite":
                session.execute(text("BEGIN IMMEDIATE"))
            yield session

    @contextmanager
    def statement(self) -> Iterator[Session]:
        """A session for one statement; a write in it is committed by ``commit()`` (a
        no-op for the database in autocommit mode, where the statement committed alone)."""
        with (self.single_statements or self.sessions)() as session:
            yield session

    def configuration(self, configuration_id: str) -> ConfigurationView | None:
        return self.catalogue.configurations().get(configuration_id)

    def issued(self, configuration_id: str, count: int) -> None:
        """Tell the observer that ``count`` credentials were committed (metrics)."""
        configuration = self.configuration(configuration_id)
        fmt = configuration.format if configuration is not None else "unknown"
        self.observer.credentials_issued(configuration_id=configuration_id, format=fmt, count=count)
