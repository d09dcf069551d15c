"""Verification methods and their controllers, resolved through an injected callback.

Controlled Identifiers v1.0 §3.3 "Retrieve Verification Method": dereference the
verification method, check its ``controller``, and check that the controller document lists
the method under the verification relationship the proof claims (``assertionMethod``,
``authentication``). This module never resolves anything itself: the application passes a
:class:`VerificationMethodResolver` (did:web over guarded HTTP, did:key computed, a trust
registry, a static set in tests).

Key encodings: ``Multikey`` with ``publicKeyMultibase`` (Controlled Identifiers §2.2.2);
``JsonWebKey`` / ``JsonWebKey2020`` with ``publicKeyJwk`` (§2.2.3, W3C CCG lds-jws2020).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Protocol

from credentials.data_integrity.errors import ProofPurposeError, VerificationMethodError
from credentials.errors import CredentialError
from credentials.keys import PublicKey, multikey_to_public_key, public_key_from_jwk

MULTIKEY: Final = "Multikey"
JWK_TYPES: Final = frozenset({"JsonWebKey", "JsonWebKey2020"})


@dataclass(frozen=True, slots=True)
class ResolvedMethod:
    """A verification method and the document of the controller that publishes it."""

    method: Mapping[str, Any]
    controller_document: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.method.get("id", ""))


class VerificationMethodResolver(Protocol):
    """Return the method named ``method_id`` with its controller document.

    Raise :class:`~credentials.errors.KeyResolutionError` (or any
    :class:`~credentials.errors.CredentialError`) when it cannot be found.
    """

    def __call__(self, method_id: str) -> ResolvedMethod: ...


def _absolute(method_id: str, base: str) -> str:
    return base + method_id if method_id.startswith("#") else method_id


def _method_ids(entries: Any, base: str) -> list[str]:
    if not isinstance(entries, list):
        entries = [] if entries is None else [entries]
    ids: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            ids.append(_absolute(entry, base))
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            ids.append(_absolute(entry["id"], base))
    return ids


def _embedded_methods(document: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    base = str(document.get("id", ""))
    for name in ("verificationMethod", "assertionMethod", "authentication"):
        entries = document.get(name)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                yield {**entry, "id": _absolute(entry["id"], base)}


class StaticResolver:
    """A :class:`VerificationMethodResolver` over a fixed set of controller documents."""

    __slots__ = ("_methods",)

    def __init__(self, controller_documents: Iterable[Mapping[str, Any]]) -> None:
        methods: dict[str, ResolvedMethod] = {}
        for document in controller_documents:
            frozen = MappingProxyType(dict(document))
            for method in _embedded_methods(document):
                methods.setdefault(method["id"], ResolvedMethod(method, frozen))
        self._methods: Mapping[str, ResolvedMethod] = MappingProxyType(methods)

    def __call__(self, method_id: str) -> ResolvedMethod:
        try:
            return self._methods[method_id]
        except KeyError:
            raise VerificationMethodError(f"unknown verification method {method_id}") from None


def check_controller(resolved: ResolvedMethod, method_id: str, relationship: str) -> None:
    """The method is ``method_id``, its controller is the document's subject, and the
    document lists it under ``relationship`` (Controlled Identifiers v1.0 §3.3)."""
    if resolved.id != method_id:
        raise VerificationMethodError(f"resolver returned {resolved.id} for {method_id}")
    controller_id = resolved.controller_document.get("id")
    if resolved.method.get("controller") != controller_id:
        raise VerificationMethodError(
            f"verification method controller is not the controller document {controller_id}"
        )
    authorised = _method_ids(resolved.controller_document.get(relationship), str(controller_id))
    if method_id not in authorised:
        raise ProofPurposeError(
            f"{method_id} is not listed under {relationship} by its controller {controller_id}"
        )


def public_key_of(method: Mapping[str, Any]) -> PublicKey:
    """The public key of a ``Multikey`` or ``JsonWebKey(2020)`` verification method."""
    kind = method.get("type")
    try:
        if kind == MULTIKEY and isinstance(method.get("publicKeyMultibase"), str):
            return multikey_to_public_key(method["publicKeyMultibase"])
        if kind in JWK_TYPES and isinstance(method.get("publicKeyJwk"), Mapping):
            return public_key_from_jwk(method["publicKeyJwk"])
    except VerificationMethodError:
        raise
    except CredentialError as exc:
        raise VerificationMethodError(f"unusable key in {method.get('id')}: {exc.detail}") from None
    raise VerificationMethodError(f"unsupported verification method type {kind!r}")
