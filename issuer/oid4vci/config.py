"""Lifetimes, limits and endpoint URLs of the issuer's OpenID4VCI endpoints.

The Credential Issuer Identifier is the deployment's base URL (§12.2.1: "a case sensitive
URL using the https scheme that contains scheme, host and, optionally, port number and path
components, but no query or fragment components"). The same URL is the Authorization
Server's issuer identifier (RFC 8414 §2): this deployment is both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

#: Where each endpoint lives below the Credential Issuer Identifier.
ENDPOINT_PATHS: Final = {
    "credential": "/issuer/credential",
    "nonce": "/issuer/nonce",
    "deferred_credential": "/issuer/deferred_credential",
    "notification": "/issuer/notification",
    "token": "/issuer/token",
    "authorize": "/issuer/authorize",
    "par": "/issuer/par",
    "offers": "/issuer/offers",
}

CREDENTIAL_ISSUER_WELL_KNOWN: Final = "/.well-known/openid-credential-issuer"
AUTHORIZATION_SERVER_WELL_KNOWN: Final = "/.well-known/oauth-authorization-server"

#: JWS algorithms accepted in key proofs and DPoP proofs (asymmetric only; never ``none``).
PROOF_ALGORITHMS: Final = ("ES256", "EdDSA")


def well_known_url(identifier: str, well_known: str) -> str:
    """Insert ``well_known`` between the host and the path of ``identifier``.

    §12.2.2: "the path formed by inserting the string /.well-known/openid-credential-issuer
    into the Credential Issuer Identifier between the host component and the path
    component, if any"; RFC 8414 §3.1 does the same for the AS metadata.
    """
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, well_known + path, "", ""))


def well_known_path(identifier: str, well_known: str) -> str:
    """The path part of :func:`well_known_url` (what the router serves)."""
    return urlsplit(well_known_url(identifier, well_known)).path


@dataclass(frozen=True, slots=True)
class Oid4vciConfig:
    """Every knob of the OpenID4VCI endpoints; the defaults are the deployment's."""

    credential_issuer: str
    offer_ttl: int = 600
    tx_code_length: int = 6
    tx_code_max_attempts: int = 5
    par_ttl: int = 60
    pending_authorization_ttl: int = 600
    authorization_code_ttl: int = 60
    access_token_ttl: int = 300
    c_nonce_ttl: int = 300
    proof_max_age: int = 300
    dpop_max_age: int = 300
    leeway: int = 60
    dpop_required: bool = False
    batch_size: int = 10
    deferred_interval: int = 5
    deferred_ttl: int = 24 * 3600
    notification_ttl: int = 7 * 24 * 3600
    pre_authorized_anonymous_access: bool = True
    proof_algorithms: tuple[str, ...] = PROOF_ALGORITHMS
    dpop_algorithms: tuple[str, ...] = PROOF_ALGORITHMS
    display: tuple[dict[str, Any], ...] = field(
        default_factory=lambda: (
            {"name": "Attestia — attestations professionnelles", "locale": "fr"},
            {"name": "Attestia — professional credentials", "locale": "en"},
        )
    )

    def __post_init__(self) -> None:
        if self.batch_size < 2:
            raise ValueError("batch_size MUST be 2 or greater (§12.2.4)")
        if not 4 <= self.tx_code_length <= 12:
            raise ValueError("tx_code_length must be between 4 and 12 digits")

    @classmethod
    def from_settings(cls, settings: Any) -> Oid4vciConfig:
        """Build from :class:`attestia.settings.Settings` (its ``oid4vci_*`` settings)."""
        return cls(
            credential_issuer=settings.base_url.rstrip("/"),
            dpop_required=settings.oid4vci_dpop_required,
            batch_size=settings.oid4vci_batch_size,
            access_token_ttl=settings.oid4vci_access_token_ttl,
            offer_ttl=settings.oid4vci_offer_ttl,
        )

    def endpoint(self, name: str) -> str:
        return self.credential_issuer + ENDPOINT_PATHS[name]

    @property
    def credential_issuer_metadata_url(self) -> str:
        return well_known_url(self.credential_issuer, CREDENTIAL_ISSUER_WELL_KNOWN)

    @property
    def authorization_server_metadata_url(self) -> str:
        return well_known_url(self.credential_issuer, AUTHORIZATION_SERVER_WELL_KNOWN)
