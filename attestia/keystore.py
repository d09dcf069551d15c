"""The signing-key store: keys created on first start, encrypted at rest, rotated, kept.

Private keys are PKCS#8 encrypted with AES-256-GCM under a 32-byte master secret, with the
key's id, purpose and type as associated data so that a ciphertext cannot be moved to
another row. The master secret comes from settings (``ATTESTIA_MASTER_KEY``) or from a key
file created once with mode 0600. A check value encrypted under the master secret tells a
wrong secret ("wrong master secret") from a damaged key row ("corrupted key"). Keys are
never regenerated silently: a store that has keys but no master secret refuses to start.

Callers get :class:`credentials.keys.Signer` objects and never key bytes, so an HSM backend
(PKCS#11) can replace this class behind the same methods.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from attestia.models import KeyStoreMeta, SigningKey
from credentials.did.document import PublishedKey
from credentials.errors import KeyStoreError
from credentials.keys import (
    DEFAULT_ALGORITHM,
    KeyType,
    SoftwareSigner,
    generate_private_key,
    jwk_thumbprint,
    private_key_from_pem,
    private_key_to_pem,
    public_jwk,
    public_key_from_jwk,
)

Purpose = str

#: The keys each service needs: issuer (EdDSA, ES256, PS256 for Gaia-X), verifier
#: (request objects), registry (trusted list).
REQUIRED_KEYS: Final[tuple[tuple[Purpose, KeyType], ...]] = (
    ("issuer", "Ed25519"),
    ("issuer", "P-256"),
    ("issuer", "RSA"),
    ("verifier", "P-256"),
    ("registry", "P-256"),
)
PURPOSES: Final = frozenset(purpose for purpose, _ in REQUIRED_KEYS)
#: Keys created on demand that are not verification methods of the deployment's DID
#: (``proconnect``: the client key for ``private_key_jwt``, published at /auth/jwks.json).
UNPUBLISHED_PURPOSES: Final = frozenset({"proconnect"})

_CHECK_PLAINTEXT: Final = b"attestia key store check value v1"
_FORMAT_VERSION: Final = b"\x01"
_NONCE_BYTES: Final = 12
#: How long :meth:`KeyStore.signer` trusts its memory of which key is active before asking
#: the database again: a rotation made by another process (``attestia keys rotate``,
#: another server) is picked up within this bound; one made through this store at once.
#: Until then the retired key may still sign; it stays published, so what it signs verifies.
ACTIVE_SIGNER_TTL_SECONDS: Final = 5.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def load_master_key(*, configured: str | None, key_file: Path, create: bool) -> bytes:
    """The 32-byte master secret from settings or from ``key_file`` (created if allowed)."""
    if configured is not None:
        return _decode_master(configured, "ATTESTIA_MASTER_KEY")
    if key_file.exists():
        return _decode_master(key_file.read_text(encoding="ascii").strip(), str(key_file))
    if not create:
        raise KeyStoreError(
            f"the key store holds keys but the master key file {key_file} is missing; "
            "restore it or set ATTESTIA_MASTER_KEY (keys are never regenerated)",
            code="master_key_missing",
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.urlsafe_b64encode(secret).decode("ascii").rstrip("=") + "\n")
    return secret


def _decode_master(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        raise KeyStoreError(f"{where}: master key is not base64url", code="master_key") from None
    if len(raw) != 32:
        raise KeyStoreError(f"{where}: master key must be 32 bytes", code="master_key")
    return raw


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a key (no private material)."""

    kid: str
    purpose: str
    key_type: str
    algorithm: str
    state: str
    created_at: datetime
    retired_at: datetime | None


class KeyStore:
    """Signing keys in the database, private parts encrypted under the master secret."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        master_key: bytes,
        did: str,
        *,
        clock: Callable[[], datetime] = _utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        active_ttl: float = ACTIVE_SIGNER_TTL_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._aead = AESGCM(master_key)
        self._master_key = master_key
        self._did = did
        self._clock = clock
        self._signers: dict[str, SoftwareSigner] = {}
        self._monotonic = monotonic
        self._active_ttl = active_ttl
        #: (purpose, key type) -> (monotonic expiry, active signer): spares the signing
        #: paths a database query per signature.
        self._active: dict[tuple[Purpose, KeyType], tuple[float, SoftwareSigner]] = {}

    @property
    def did(self) -> str:
        return self._did

    def derive_secret(self, label: str) -> bytes:
        """A 32-byte secret for ``label`` (HKDF-SHA-256 of the master secret, RFC 5869):
        the same in every process that opens this store, and unrelated across labels."""
        info = b"attestia/" + label.encode("utf-8")
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
            self._master_key
        )

    # Encryption -------------------------------------------------------------------

    def _encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return _FORMAT_VERSION + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def _decrypt(self, blob: bytes, aad: bytes) -> bytes:
        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _FORMAT_VERSION:
            raise InvalidTag
        nonce = blob[1 : 1 + _NONCE_BYTES]
        return self._aead.decrypt(nonce, blob[1 + _NONCE_BYTES :], aad)

    @staticmethod
    def _aad(kid: str, purpose: str, key_type: str) -> bytes:
        return f"{kid}|{purpose}|{key_type}".encode()

    # Setup ----------------------------------------------------------------------------

    @staticmethod
    def has_keys(sessions: sessionmaker[Session]) -> bool:
        with sessions() as session:
            return session.scalar(select(KeyStoreMeta.id).limit(1)) is not None

    def check_master_key(self) -> None:
        """Create the check value on first use, else prove the master secret is right."""
        with self._sessions() as session, session.begin():
            meta = session.scalar(select(KeyStoreMeta).limit(1))
            if meta is None:
                session.add(
                    KeyStoreMeta(
                        id=1,
                        check_value=self._encrypt(_CHECK_PLAINTEXT, b"check"),
                        created_at=self._clock(),
                    )
                )
                try:
                    session.flush()
                except IntegrityError:
                    session.rollback()
                    return self.check_master_key()
                return None
            try:
                if self._decrypt(meta.check_value, b"check") != _CHECK_PLAINTEXT:
                    raise InvalidTag
            except InvalidTag:
                raise KeyStoreError(
                    "wrong master secret: it does not decrypt this key store", code="master_key"
                ) from None
        return None

    def ensure_keys(self, required: Iterable[tuple[Purpose, KeyType]] = REQUIRED_KEYS) -> None:
        """Create each missing active key; safe when several processes start at once."""
        self.check_master_key()
        for purpose, key_type in required:
            if self._active_row(purpose, key_type) is None:
                try:
                    with self._sessions() as session, session.begin():
                        session.add(self._new_row(purpose, key_type))
                except IntegrityError:
                    pass  # another process created it first; its key is the active one

    def _new_row(self, purpose: Purpose, key_type: KeyType) -> SigningKey:
        private = generate_private_key(key_type)
        jwk = public_jwk(private.public_key())
        kid = jwk_thumbprint(jwk)
        return SigningKey(
            kid=kid,
            purpose=purpose,
            key_type=key_type,
            algorithm=DEFAULT_ALGORITHM[key_type],
            state="active",
            created_at=self._clock(),
            retired_at=None,
            public_jwk=jwk,
            encrypted_private_key=self._encrypt(
                private_key_to_pem(private), self._aad(kid, purpose, key_type)
            ),
        )

    def _active_row(self, purpose: Purpose, key_type: KeyType) -> SigningKey | None:
        with self._sessions() as session:
            return session.scalar(
                select(SigningKey).where(
                    SigningKey.purpose == purpose,
                    SigningKey.key_type == key_type,
                    SigningKey.state == "active",
                )
            )

    # Use ------------------------------------------------------------------------------

    def verification_method_id(self, kid: str) -> str:
        return f"{self._did}#{kid}"

    def signer(self, purpose: Purpose, key_type: KeyType) -> SoftwareSigner:
        """The active signer for (purpose, key type); its ``kid`` is a DID URL.

        Remembered for :data:`ACTIVE_SIGNER_TTL_SECONDS` (see there) so that signing does
        not query the database each time.
        """
        now = self._monotonic()
        remembered = self._active.get((purpose, key_type))
        if remembered is not None and now < remembered[0]:
            return remembered[1]
        signer = self._load_signer(purpose, key_type)
        self._active[(purpose, key_type)] = (now + self._active_ttl, signer)
        return signer

    def _load_signer(self, purpose: Purpose, key_type: KeyType) -> SoftwareSigner:
        row = self._active_row(purpose, key_type)
        if row is None:
            raise KeyStoreError(f"no active {key_type} key for {purpose}", code="no_key")
        cached = self._signers.get(row.kid)
        if cached is not None:
            return cached
        try:
            pem = self._decrypt(
                row.encrypted_private_key, self._aad(row.kid, row.purpose, row.key_type)
            )
            private = private_key_from_pem(pem)
        except (InvalidTag, ValueError):
            raise KeyStoreError(
                f"key {row.kid} is corrupted: it cannot be decrypted", code="key_corrupted"
            ) from None
        if jwk_thumbprint(public_jwk(private.public_key())) != row.kid:
            raise KeyStoreError(
                f"key {row.kid} does not match its public part", code="key_corrupted"
            )
        signer = SoftwareSigner(private, self.verification_method_id(row.kid), row.algorithm)
        self._signers[row.kid] = signer
        return signer

    def rotate(self, purpose: Purpose, key_type: KeyType | None = None) -> list[KeyInfo]:
        """Retire the active key(s) of ``purpose`` and create new ones, in one transaction."""
        if purpose not in PURPOSES | UNPUBLISHED_PURPOSES:
            raise KeyStoreError(f"unknown purpose {purpose!r}", code="unknown_purpose")
        self.check_master_key()
        created: list[KeyInfo] = []
        with self._sessions() as session, session.begin():
            query = select(SigningKey).where(
                SigningKey.purpose == purpose, SigningKey.state == "active"
            )
            if key_type is not None:
                query = query.where(SigningKey.key_type == key_type)
            rows = list(session.scalars(query.with_for_update()))
            if not rows:
                raise KeyStoreError(f"no active key to rotate for {purpose}", code="no_key")
            now = self._clock()
            for row in rows:
                row.state = "retired"
                row.retired_at = now
            session.flush()
            for row in rows:
                new = self._new_row(purpose, row.key_type)  # type: ignore[arg-type]
                session.add(new)
                created.append(_info(new))
        self._signers.clear()
        self._active.clear()
        return created

    def list_keys(self) -> list[KeyInfo]:
        with self._sessions() as session:
            rows = session.scalars(
                select(SigningKey).order_by(SigningKey.purpose, SigningKey.created_at)
            )
            return [_info(row) for row in rows]

    def published_keys(self) -> list[PublishedKey]:
        """Every active and retired key of the DID's purposes, for the DID document."""
        with self._sessions() as session:
            rows = list(
                session.scalars(
                    select(SigningKey)
                    .where(SigningKey.purpose.in_(PURPOSES))
                    .order_by(SigningKey.created_at)
                )
            )
        return [PublishedKey(row.kid, public_key_from_jwk(row.public_jwk)) for row in rows]


def _info(row: SigningKey) -> KeyInfo:
    return KeyInfo(
        kid=row.kid,
        purpose=row.purpose,
        key_type=row.key_type,
        algorithm=row.algorithm,
        state=row.state,
        created_at=row.created_at,
        retired_at=row.retired_at,
    )
