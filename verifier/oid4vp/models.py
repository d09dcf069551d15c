"""The OpenID4VP transactions table (``verifier_oid4vp_transactions``).

One row per authorization request. Its ``status`` moves only forward, each step an atomic
conditional ``UPDATE`` (so that two processes cannot both serve the request object or both
accept a response): ``pending`` → ``fetched`` → ``responding`` → ``completed`` | ``failed``.

The ``result`` holds what the wallet disclosed; housekeeping erases it (and a response
decryption key never used) once the relying party had its retention period to read it,
and records when in ``result_erased_at``: the verifier is not a store of presented data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from verifier.db import VerifierBase


class Oid4vpTransaction(VerifierBase):
    __tablename__ = "verifier_oid4vp_transactions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The identifier in the wallet-facing URLs (request_uri, response_uri); the ``id``
    #: that reads results is given to the relying party only.
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(512))
    response_mode: Mapped[str] = mapped_column(String(32))
    request_uri_method: Mapped[str] = mapped_column(String(8))
    dcql_query: Mapped[dict[str, Any]] = mapped_column(JSON)
    policy: Mapped[str | None] = mapped_column(String(64), nullable=True)
    response_key: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    same_device_redirect: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    response_code: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    fetched_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    completed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_erased_at: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (Index("ix_verifier_oid4vp_transactions_expires_at", "expires_at"),)
