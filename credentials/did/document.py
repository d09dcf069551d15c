"""Building DID documents (DID Core 1.0 §5) from public keys.

Ed25519 and EC keys are published as ``Multikey`` (Controlled Identifiers v1.0 §2.2.2,
context ``https://w3id.org/security/multikey/v1``); RSA keys as ``JsonWebKey`` with
``publicKeyJwk`` (context ``https://w3id.org/security/jwk/v1`` is not embedded, so the
JWS-2020 context ``https://w3id.org/security/suites/jws-2020/v1`` defines the term).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from credentials.keys import PublicKey, key_type_of, public_jwk, public_key_to_multikey

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
JWS_2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """A key to list in a DID document, with the relationships it serves."""

    fragment: str
    public_key: PublicKey
    relationships: tuple[str, ...] = ("assertionMethod", "authentication")
    jwk_extra: dict[str, Any] = field(default_factory=dict)


def verification_method(did: str, key: PublishedKey) -> dict[str, Any]:
    vm_id = f"{did}#{key.fragment}"
    if key_type_of(key.public_key) == "RSA":
        jwk = {**public_jwk(key.public_key), "kid": vm_id, **key.jwk_extra}
        return {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
    return {
        "id": vm_id,
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": public_key_to_multikey(key.public_key),
    }


def build_did_document(did: str, keys: Iterable[PublishedKey]) -> dict[str, Any]:
    """A DID document listing ``keys`` with their verification relationships."""
    methods: list[dict[str, Any]] = []
    relationships: dict[str, list[str]] = {}
    for key in keys:
        method = verification_method(did, key)
        methods.append(method)
        for rel in key.relationships:
            relationships.setdefault(rel, []).append(method["id"])
    contexts = [DID_CONTEXT, MULTIKEY_CONTEXT]
    if any(m["type"] == "JsonWebKey2020" for m in methods):
        contexts.append(JWS_2020_CONTEXT)
    document: dict[str, Any] = {"@context": contexts, "id": did, "verificationMethod": methods}
    for rel in ("authentication", "assertionMethod", "capabilityInvocation", "keyAgreement"):
        if rel in relationships:
            document[rel] = relationships[rel]
    return document
