"""Authorization Request (OpenID4VP 1.0 §5) as a request object served by reference.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-5

The QR code or link carries only ``client_id``, ``request_uri`` and ``request_uri_method``
(§5.1, RFC 9101 §5.2); the wallet fetches the request object, a JWT with ``typ``
``oauth-authz-req+jwt`` (RFC 9101 §10.8). §5.8: with static discovery the ``aud`` "MUST be
``https://self-issued.me/v2``". §5.10: after a POST the object "MUST" echo ``wallet_nonce``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Literal
from urllib.parse import urlencode

from credentials import multiformats as mf
from credentials.jose import sign_jwt
from verifier.oid4vp.client_id import ClientIdentity

REQUEST_OBJECT_TYP: Final = "oauth-authz-req+jwt"
REQUEST_OBJECT_MEDIA_TYPE: Final = "application/oauth-authz-req+jwt"
STATIC_DISCOVERY_AUDIENCE: Final = "https://self-issued.me/v2"
DEFAULT_SCHEME: Final = "openid4vp://"

ResponseMode = Literal["direct_post", "direct_post.jwt"]
RequestUriMethod = Literal["get", "post"]

#: Appendix B: the formats this verifier accepts and the algorithms for each.
VP_FORMATS_SUPPORTED: Final[dict[str, dict[str, list[str]]]] = {
    "dc+sd-jwt": {
        "sd-jwt_alg_values": ["ES256", "ES384", "EdDSA"],
        "kb-jwt_alg_values": ["ES256", "ES384", "EdDSA"],
    },
    "jwt_vc_json": {"alg_values": ["ES256", "ES384", "EdDSA"]},
    "ldp_vc": {
        "proof_type_values": ["DataIntegrityProof"],
        "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"],
    },
}


def authorization_request_uri(
    client_id: str,
    request_uri: str,
    method: RequestUriMethod,
    *,
    scheme: str = DEFAULT_SCHEME,
) -> str:
    """The ``openid4vp://?client_id=…&request_uri=…&request_uri_method=…`` link (§5.1)."""
    query = urlencode(
        {"client_id": client_id, "request_uri": request_uri, "request_uri_method": method}
    )
    return f"{scheme}?{query}"


def client_metadata(response_jwk: Mapping[str, Any] | None) -> dict[str, Any]:
    """§11.1 client metadata: ``vp_formats_supported`` and, for encryption, ``jwks`` and
    ``encrypted_response_enc_values_supported`` (§8.3)."""
    metadata: dict[str, Any] = {"vp_formats_supported": VP_FORMATS_SUPPORTED}
    if response_jwk is not None:
        metadata["jwks"] = {"keys": [dict(response_jwk)]}
        metadata["encrypted_response_enc_values_supported"] = ["A128GCM", "A256GCM"]
    return metadata


def request_claims(
    *,
    identity: ClientIdentity,
    response_uri: str,
    response_mode: ResponseMode,
    nonce: str,
    state: str,
    dcql_query: Mapping[str, Any],
    response_jwk: Mapping[str, Any] | None,
    now: int,
    lifetime: int,
    wallet_nonce: str | None = None,
) -> dict[str, Any]:
    """The request object's claims (§5.1, §5.2, §8.2)."""
    claims: dict[str, Any] = {
        "iss": identity.client_id,
        "aud": STATIC_DISCOVERY_AUDIENCE,
        "iat": now,
        "exp": now + lifetime,
        "response_type": "vp_token",
        "client_id": identity.client_id,
        "response_mode": response_mode,
        "response_uri": response_uri,
        "nonce": nonce,
        "state": state,
        "dcql_query": dict(dcql_query),
        "client_metadata": client_metadata(response_jwk),
    }
    if wallet_nonce is not None:
        claims["wallet_nonce"] = wallet_nonce
    return claims


def encode_request_object(identity: ClientIdentity, claims: Mapping[str, Any]) -> str:
    """Sign with the identity's key, or emit an unsecured JWT for ``redirect_uri:``."""
    header: dict[str, Any] = {"typ": REQUEST_OBJECT_TYP, **identity.header}
    if identity.signer is None:
        unsecured = {"alg": "none", **header}
        head = mf.b64url_encode(json.dumps(unsecured, separators=(",", ":")).encode())
        body = mf.b64url_encode(json.dumps(dict(claims), separators=(",", ":")).encode())
        return f"{head}.{body}."
    return sign_jwt(header, claims, identity.signer)
