"""did:jwk (did:jwk Method Specification, https://github.com/quartzjer/did-jwk/blob/main/spec.md).

``did:jwk:<base64url(UTF-8 JSON of a public JWK)>``. Read: decode, parse, validate the JWK,
then build a document with one ``JsonWebKey2020`` verification method ``<did>#0``. A key with
``"use": "sig"`` is not listed under ``keyAgreement``; one with ``"use": "enc"`` only there.
Security considerations: "a JWK for a private key must never be used and must be rejected by
all implementations when encountered".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from credentials import multiformats as mf
from credentials.did.document import DID_CONTEXT, JWS_2020_CONTEXT
from credentials.did.syntax import parse_did
from credentials.errors import MalformedError
from credentials.keys import public_key_from_jwk

PREFIX: Final = "did:jwk:"
MAX_JWK_CHARS: Final = 4096
PRIVATE_MEMBERS: Final = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
SIGNING_RELATIONSHIPS: Final = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_jwk_from_jwk(jwk: Mapping[str, Any]) -> str:
    """The did:jwk of a public JWK (compact JSON serialisation)."""
    _check_public(jwk)
    return PREFIX + mf.b64url_encode(json.dumps(dict(jwk), separators=(",", ":")).encode())


def _check_public(jwk: Mapping[str, Any]) -> None:
    if not isinstance(jwk, Mapping) or not isinstance(jwk.get("kty"), str):
        raise MalformedError("did:jwk must carry a JWK object with a kty")
    private = PRIVATE_MEMBERS & set(jwk)
    if private:
        raise MalformedError(f"did:jwk carries private key members {sorted(private)}")


def jwk_from_did_jwk(did: str) -> dict[str, Any]:
    """Decode the JWK of a did:jwk, refusing private or malformed keys."""
    parsed = parse_did(did)
    if parsed.method != "jwk":
        raise MalformedError(f"not a did:jwk: {did[:80]!r}")
    value = parsed.method_specific_id
    if len(value) > MAX_JWK_CHARS:
        raise MalformedError("did:jwk value is too long")
    try:
        jwk = json.loads(mf.b64url_decode(value))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedError("did:jwk value is not base64url-encoded JSON") from None
    if not isinstance(jwk, dict):
        raise MalformedError("did:jwk must carry a JSON object")
    _check_public(jwk)
    if jwk.get("use") != "enc":
        public_key_from_jwk(jwk)
    return jwk


def resolve_did_jwk(did: str) -> dict[str, Any]:
    """The DID document of a did:jwk (no network)."""
    jwk = jwk_from_did_jwk(did)
    vm_id = f"{did}#0"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, JWS_2020_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
        ],
    }
    use = jwk.get("use")
    if use != "enc":
        for relationship in SIGNING_RELATIONSHIPS:
            document[relationship] = [vm_id]
    if use != "sig":
        document["keyAgreement"] = [vm_id]
    return document


class JwkMethod:
    """The ``jwk`` method for :class:`credentials.did.resolver.DidResolver`."""

    name: Final = "jwk"

    def resolve(self, did: str) -> dict[str, Any]:
        return resolve_did_jwk(did)
