"""Credential Issuer metadata (§12.2) and OAuth 2.0 Authorization Server metadata (§12.3,
RFC 8414), and the signed form of the former (§12.2.3).

§12.2.2: "The Credential Issuer MUST support returning metadata in an unsigned form
'application/json' and MAY support returning it in a signed form 'application/jwt'." The
signed form is chosen when the ``Accept`` header ranks ``application/jwt`` above
``application/json`` (:func:`prefers_signed`).
"""

from __future__ import annotations

from typing import Any, Final

from credentials.jose import sign_jwt
from credentials.keys import Signer
from issuer.oid4vci.config import Oid4vciConfig
from issuer.oid4vci.context import CatalogueView

SIGNED_METADATA_TYP: Final = "openidvci-issuer-metadata+jwt"
PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
AUTHORIZATION_DETAILS_TYPE: Final = "openid_credential"


def credential_issuer_metadata(config: Oid4vciConfig, catalogue: CatalogueView) -> dict[str, Any]:
    """The §12.2.4 parameters. ``authorization_servers`` is omitted: "If this parameter is
    omitted, the entity providing the Credential Issuer is also acting as the Authorization
    Server".
    """
    return {
        "credential_issuer": config.credential_issuer,
        "credential_endpoint": config.endpoint("credential"),
        "nonce_endpoint": config.endpoint("nonce"),
        "deferred_credential_endpoint": config.endpoint("deferred_credential"),
        "notification_endpoint": config.endpoint("notification"),
        "batch_credential_issuance": {"batch_size": config.batch_size},
        "display": [dict(entry) for entry in config.display],
        "credential_configurations_supported": {
            configuration_id: configuration.issuer_metadata()
            for configuration_id, configuration in sorted(catalogue.configurations().items())
        },
    }


def authorization_server_metadata(
    config: Oid4vciConfig, catalogue: CatalogueView
) -> dict[str, Any]:
    """RFC 8414 §2 metadata, with OpenID4VCI's ``pre-authorized_grant_anonymous_access_
    supported`` (§12.3) and RFC 9396's ``authorization_details_types_supported``."""
    scopes = sorted({c.scope for c in catalogue.configurations().values() if c.scope})
    return {
        "issuer": config.credential_issuer,
        "authorization_endpoint": config.endpoint("authorize"),
        "token_endpoint": config.endpoint("token"),
        "pushed_authorization_request_endpoint": config.endpoint("par"),
        "require_pushed_authorization_requests": False,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "dpop_signing_alg_values_supported": list(config.dpop_algorithms),
        "authorization_details_types_supported": [AUTHORIZATION_DETAILS_TYPE],
        "scopes_supported": scopes,
        "pre-authorized_grant_anonymous_access_supported": (config.pre_authorized_anonymous_access),
        "authorization_response_iss_parameter_supported": True,
    }


def signed_credential_issuer_metadata(
    metadata: dict[str, Any], signer: Signer, *, kid: str, now: float, ttl: int = 86400
) -> str:
    """§12.2.3: a JWS with ``typ`` ``openidvci-issuer-metadata+jwt``, ``sub`` = the Credential
    Issuer Identifier, ``iat`` required, and "All metadata parameters used by the Credential
    Issuer MUST be added as top-level claims in the JWS payload"."""
    issued = int(now)
    claims = {
        **metadata,
        "iss": metadata["credential_issuer"],
        "sub": metadata["credential_issuer"],
        "iat": issued,
        "exp": issued + ttl,
    }
    return sign_jwt({"typ": SIGNED_METADATA_TYP, "kid": kid}, claims, signer)


def _media_ranges(accept: str) -> dict[str, float]:
    ranked: dict[str, float] = {}
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked[media] = max(quality, ranked.get(media, 0.0))
    return ranked


def prefers_signed(accept: str | None) -> bool:
    """Whether the ``Accept`` header asks for ``application/jwt`` over ``application/json``.

    §12.2.2: "It is RECOMMENDED for Credential Issuers to respond with a Content-Type
    matching to the Wallet's requested Accept header when the requested content type is
    supported." Without an ``Accept`` header, or with ``*/*``, JSON is served.
    """
    if not accept:
        return False
    ranked = _media_ranges(accept)
    jwt_q = ranked.get("application/jwt", 0.0)
    json_q = ranked.get("application/json", 0.0)
    return jwt_q > 0 and jwt_q >= json_q
