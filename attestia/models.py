"""Tables of the composition layer: the signing keys and the key store's check value."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, LargeBinary, String, text
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
