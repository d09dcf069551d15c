"""Gaia-X values the verifier checks against (reference gaia-x.md §1.2, §3.1).

Kept here rather than imported from the issuer: the verifier never imports the issuer, and
an independent copy is what lets the tests catch an issuer that drifts from the text the
shapes pin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

TAGUS_CONTEXT: Final = (
    "https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/"
    "trustframework#"
)
LOIRE_CONTEXT: Final = "https://w3id.org/gaia-x/development#"
GX: Final = LOIRE_CONTEXT

#: Trust Framework 22.10 ``gx:GaiaXTermsAndConditionsShape`` ``sh:hasValue`` (exact text).
TAGUS_TERMS_AND_CONDITIONS: Final = (
    "The PARTICIPANT signing the Self-Description agrees as follows:\n"
    "- to update its descriptions about any changes, be it technical, organizational, or "
    "legal - especially but not limited to contractual in regards to the indicated "
    "attributes present in the descriptions.\n"
    "\n"
    "The keypair used to sign Verifiable Credentials will be revoked where Gaia-X "
    "Association becomes aware of any inaccurate statements in regards to the claims which "
    "result in a non-compliance with the Trust Framework and policy rules defined in the "
    "Policy Rules and Labelling Document (PRLD)."
)
#: Loire ``gx:IssuerShape`` ``sh:in``: current, then deprecated.
LOIRE_TERMS_AND_CONDITIONS_HASHES: Final = (
    "067dcac5efd18c1927deb1ffed3feab6d0ad044c0a9a263e6d5d8bdc43224515",
    "4bd7554097444c960292b4726c2efa1373485e8a5565d94d41195214c5e0ceb3",
)
#: Loire ``gx:RegistrationNumber`` subclasses.
REGISTRATION_NUMBER_TYPES: Final = frozenset(
    {"VatID", "LeiCode", "EORI", "EUID", "TaxID", "LocalRegistrationNumber"}
)


def local_types(node: Mapping[str, Any]) -> set[str]:
    """``gx:X`` / ``X`` / ``https://w3id.org/gaia-x/development#X`` types as ``X``."""
    value = node.get("type", node.get("@type"))
    found: set[str] = set()
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            found.add(item.removeprefix("gx:").removeprefix(GX))
    return found


def gx(node: Mapping[str, Any], name: str) -> Any:
    """The value of the Gaia-X property ``name``, written ``gx:name`` or bare (``@vocab``)."""
    return node.get(f"gx:{name}", node.get(name))


def subjects(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = credential.get("credentialSubject")
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def reference_ids(value: Any) -> list[str]:
    """Ids of a reference property: ``{"id": …}``, a string, or a list of them."""
    ids: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            ids.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("id", item.get("@id")), str):
            ids.append(str(item.get("id", item.get("@id"))))
    return ids


def issuer_of(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None
