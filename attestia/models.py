"""Tables of the composition layer: signing keys, the key store check value, web sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from attestia.db import AttestiaBase


class SigningKey(AttestiaBase):
    """A signing key: public part in clear, private part AES-256-GCM encrypted.

    At most one ``active`` key per (purpose, key type); retired keys stay forever so that
    what they signed remains verifiable.
    """

    __tablename__ = "attestia_signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    key_type: Mapped[str] = mapped_column(String(16))
    algorithm: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        Index(
            "uq_attestia_signing_keys_active",
            "purpose",
            "key_type",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
    )


class KeyStoreMeta(AttestiaBase):
    """One row: a value encrypted under the master secret, to tell a wrong secret apart."""

    __tablename__ = "attestia_keystore_meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSessionRow(AttestiaBase):
    """A browser session (``attestia.sessions``): the cookie holds an opaque id, this row
    holds only its SHA-256, the session data and the authenticated identity."""

    __tablename__ = "attestia_web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    identity: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WebLoginState(AttestiaBase):
    """A login in progress (state, nonce, PKCE verifier…), bound to one browser session and
    consumed once at the callback."""

    __tablename__ = "attestia_web_login_states"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(
        String(64), ForeignKey("attestia_web_sessions.id_hash", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
