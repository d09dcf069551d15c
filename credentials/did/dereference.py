"""Dereferencing DID URLs to verification methods (DID Core 1.0 §5.3, §7.2).

A verifier holding a proof's ``verificationMethod`` (or a JWS ``kid``) needs the public key
*and* the assurance that the DID subject authorised that key for the proof's purpose:
DID Core §5.3 verification relationships (``assertionMethod`` for credentials,
``authentication`` for presentations and key binding). :func:`verification_method_for`
accepts a key only when the relationship lists it, by reference (absolute or relative
``#fragment`` DID URL) or embedded, and its ``controller`` is the document's DID.

Public key formats (Controlled Identifiers v1.0 §2.2): ``Multikey`` with
``publicKeyMultibase``; ``JsonWebKey`` / ``JsonWebKey2020`` with ``publicKeyJwk``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from credentials.did.syntax import absolute_did_url, parse_did_url
from credentials.errors import KeyResolutionError, MalformedError
from credentials.keys import PublicKey, multikey_to_public_key, public_key_from_jwk

Relationship = Literal[
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
]
RELATIONSHIPS: Final[frozenset[str]] = frozenset(
    {
        "authentication",
        "assertionMethod",
        "keyAgreement",
        "capabilityInvocation",
        "capabilityDelegation",
    }
)
JWK_TYPES: Final = frozenset({"JsonWebKey", "JsonWebKey2020"})


@dataclass(frozen=True, slots=True)
class VerificationKey:
    """A verification method authorised for a relationship, with its decoded public key."""

    id: str
    type: str
    controller: str
    public_key: PublicKey
    method: dict[str, Any]


def _document_id(document: Mapping[str, Any]) -> str:
    if not isinstance(document, Mapping):
        raise MalformedError("a DID document must be a JSON object")
    doc_id = document.get("id")
    if not isinstance(doc_id, str):
        raise MalformedError("a DID document must have a string id")
    return doc_id


def _entries(document: Mapping[str, Any], name: str) -> list[Any]:
    value = document.get(name, [])
    if not isinstance(value, list):
        raise MalformedError(f"{name} must be an array")
    return value


def _methods(document: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every verification method object in the document with its absolute id."""
    doc_id = _document_id(document)
    for name in ("verificationMethod", *sorted(RELATIONSHIPS)):
        for entry in _entries(document, name):
            if isinstance(entry, dict):
                vm_id = entry.get("id")
                if not isinstance(vm_id, str):
                    raise MalformedError("a verification method must have a string id")
                yield absolute_did_url(doc_id, vm_id), entry
            elif not isinstance(entry, str):
                raise MalformedError(f"{name} entries must be DID URLs or objects")


def dereference(document: Mapping[str, Any], did_url: str) -> dict[str, Any]:
    """The verification method whose id is ``did_url`` (absolute, or ``#fragment``)."""
    doc_id = _document_id(document)
    target = absolute_did_url(doc_id, did_url)
    parsed = parse_did_url(target)
    if parsed.did != doc_id:
        raise KeyResolutionError(f"{target!r} is not in the document of {doc_id!r}")
    if parsed.path or parsed.query is not None:
        raise KeyResolutionError("DID URL paths and queries are not dereferenced here")
    if parsed.fragment is None:
        raise KeyResolutionError("a verification method is named by a DID URL fragment")
    found = [method for vm_id, method in _methods(document) if vm_id == target]
    if not found:
        raise KeyResolutionError(f"no verification method {target!r}")
    if any(method != found[0] for method in found[1:]):
        raise MalformedError(f"verification method {target!r} is defined twice")
    return found[0]


def public_key_of(method: Mapping[str, Any]) -> PublicKey:
    """Decode a verification method's public key (Multikey or JsonWebKey[2020])."""
    vm_type = method.get("type")
    if vm_type == "Multikey":
        if "publicKeyJwk" in method:
            raise MalformedError("a Multikey carries publicKeyMultibase only")
        multibase = method.get("publicKeyMultibase")
        if not isinstance(multibase, str):
            raise MalformedError("Multikey needs publicKeyMultibase")
        return multikey_to_public_key(multibase)
    if vm_type in JWK_TYPES:
        if "publicKeyMultibase" in method:
            raise MalformedError(f"a {vm_type} carries publicKeyJwk only")
        jwk = method.get("publicKeyJwk")
        if not isinstance(jwk, Mapping):
            raise MalformedError(f"{vm_type} needs publicKeyJwk")
        return public_key_from_jwk(jwk)
    raise KeyResolutionError(f"verification method type {vm_type!r} is not supported")


def verification_method_for(
    document: Mapping[str, Any], did_url: str, relationship: Relationship | str
) -> VerificationKey:
    """The key ``did_url`` names, if ``document`` authorises it for ``relationship``."""
    if relationship not in RELATIONSHIPS:
        raise ValueError(f"unknown verification relationship {relationship!r}")
    doc_id = _document_id(document)
    target = absolute_did_url(doc_id, did_url)
    method = dereference(document, target)
    authorised = False
    for entry in _entries(document, relationship):
        reference = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(reference, str) and absolute_did_url(doc_id, reference) == target:
            authorised = True
            break
    if not authorised:
        raise KeyResolutionError(f"{target!r} is not an {relationship} method of {doc_id!r}")
    controller = method.get("controller")
    if controller != doc_id:
        raise KeyResolutionError(f"{target!r} is controlled by {controller!r}, not {doc_id!r}")
    return VerificationKey(
        id=target,
        type=str(method.get("type")),
        controller=doc_id,
        public_key=public_key_of(method),
        method=dict(method),
    )
