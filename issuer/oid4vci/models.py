"""The OpenID4VCI tables: offers (grants), PAR requests, pending authorizations,
authorization codes, access tokens, ``c_nonce`` values, DPoP ``jti`` values, deferred
transactions and notification ids.

Every secret value (pre-authorized code, Transaction Code, ``issuer_state``, request_uri,
authorization code, access token, ``c_nonce``, ``transaction_id``) is stored as its SHA-256
digest only; the Transaction Code, being short, is salted. Times are seconds since the epoch
(UTC) so that SQLite and PostgreSQL compare them the same way. Single-use values are
consumed with a conditional ``UPDATE … WHERE used_at IS NULL`` whose row count says who won.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import IssuerBase

DIGEST = 64  # hex SHA-256


class OfferRow(IssuerBase):
    """A Credential Offer and the grant behind it: configurations, claims, subject.

    Access tokens point at their offer, which is what binds a token to its grant. A
    wallet-initiated authorization (no offer) creates an offer row too, born redeemed.
    ``document`` (the offer JSON, which carries the pre-authorized code) is erased when the
    offer is redeemed. Once nothing can mint from the offer any more (expired, every access
    token expired, no deferred issuance open), housekeeping erases ``claims`` (the personal
    data the credentials carried) and ``document``, and sets ``claims_erased_at``; the row
    stays as history (times, configurations, the subject's identifiers, which the credential
    register keeps too).
    """

    __tablename__ = "issuer_oid4vci_offer"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    grant_type: Mapped[str] = mapped_column(String(32))
    pre_authorized_code_hash: Mapped[str | None] = mapped_column(
        String(DIGEST), unique=True, nullable=True
    )
    issuer_state_hash: Mapped[str | None] = mapped_column(
        String(DIGEST), unique=True, nullable=True
    )
    tx_code_salt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    tx_code_hash: Mapped[str | None] = mapped_column(String(DIGEST), nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    redeemed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    configuration_ids: Mapped[list[str]] = mapped_column(JSON)
    claims: Mapped[dict[str, Any]] = mapped_column(JSON)
    subject: Mapped[dict[str, Any]] = mapped_column(JSON)
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    claims_erased_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class ParRequestRow(IssuerBase):
    """A Pushed Authorization Request (RFC 9126), single use, 60 s."""

    __tablename__ = "issuer_oid4vci_par_request"

    request_uri_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(255))
    parameters: Mapped[dict[str, str]] = mapped_column(JSON)
    expires_at: Mapped[float] = mapped_column(Float)
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class PendingAuthorizationRow(IssuerBase):
    """A validated authorization request waiting for the End-User to log in."""

    __tablename__ = "issuer_oid4vci_pending_authorization"

    id_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[float] = mapped_column(Float)
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class AuthorizationCodeRow(IssuerBase):
    """An authorization code (RFC 6749 §4.1.2): single use, short-lived, PKCE-bound."""

    __tablename__ = "issuer_oid4vci_authorization_code"

    code_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(43))
    client_id: Mapped[str] = mapped_column(String(255))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    code_challenge: Mapped[str] = mapped_column(String(128))
    authorization_details: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    configuration_ids: Mapped[list[str]] = mapped_column(JSON)
    dpop_jkt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expires_at: Mapped[float] = mapped_column(Float)
    redeemed_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class AccessTokenRow(IssuerBase):
    """An opaque access token, bound to its offer (grant) and, with DPoP, to a key."""

    __tablename__ = "issuer_oid4vci_access_token"

    token_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(43), index=True)
    client_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    configuration_ids: Mapped[list[str]] = mapped_column(JSON)
    credential_identifiers: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    jkt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    issued_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)


class CNonceRow(IssuerBase):
    """A ``c_nonce`` from the Nonce Endpoint (§7): single use, short-lived."""

    __tablename__ = "issuer_oid4vci_c_nonce"

    nonce_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class DpopJtiRow(IssuerBase):
    """A DPoP proof ``jti`` already seen (RFC 9449 §11.1), kept for the ``iat`` window."""

    __tablename__ = "issuer_oid4vci_dpop_jti"

    jti_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class DeferredTransactionRow(IssuerBase):
    """A deferred issuance (§9): the holder keys wait for the claims to be ready."""

    __tablename__ = "issuer_oid4vci_deferred_transaction"

    transaction_id_hash: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(43), index=True)
    configuration_id: Mapped[str] = mapped_column(String(128))
    holders: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    completed_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class NotificationRow(IssuerBase):
    """A ``notification_id`` (§8.3) naming the credentials of one response."""

    __tablename__ = "issuer_oid4vci_notification"

    notification_id: Mapped[str] = mapped_column(String(43), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(43), index=True)
    configuration_id: Mapped[str] = mapped_column(String(128))
    credential_ids: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    event: Mapped[str | None] = mapped_column(String(32), nullable=True)
    event_at: Mapped[float | None] = mapped_column(Float, nullable=True)
