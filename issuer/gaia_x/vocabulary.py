"""Gaia-X names, contexts and the terms-and-conditions values the shapes pin.

Trust Framework 22.10 ("Tagus"): the ``trustframework#`` URL is both the JSON-LD context and
the SHACL shapes graph; its only term is the ``gx:`` prefix, so every property is written
prefixed. ``gx:GaiaXTermsAndConditionsShape`` uses ``sh:hasValue``: the text below must be
reproduced byte for byte (reference gaia-x.md §1.2 c).

Loire (ICAM 24.07 → ontology 25.11): VCDM 2.0 with the LinkML context
``https://w3id.org/gaia-x/development#``; ``gx:IssuerShape`` pins
``gx:gaiaxTermsAndConditions`` with ``sh:in`` to two SHA-256 values (reference §3.1), the
first being the current one.
"""

from __future__ import annotations

import hashlib
from typing import Final

TAGUS_CONTEXT: Final = (
    "https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/"
    "trustframework#"
)
LOIRE_CONTEXT: Final = "https://w3id.org/gaia-x/development#"
SCHEMA_ORG: Final = "https://schema.org/"
VCARD: Final = "http://www.w3.org/2006/vcard/ns#"

#: Trust Framework 22.10 ``gx:termsAndConditions`` (``sh:hasValue``), 557 characters.
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
TAGUS_TERMS_AND_CONDITIONS_SHA256: Final = (
    "380d14e884a23614f3b73a4e1fc9f39269167fb494588f3a40c0ea15bdf548ee"
)

#: Loire ``gx:IssuerShape`` ``sh:in`` values: the current hash, then the deprecated one.
LOIRE_TERMS_AND_CONDITIONS_SHA256: Final = (
    "067dcac5efd18c1927deb1ffed3feab6d0ad044c0a9a263e6d5d8bdc43224515"
)
LOIRE_DEPRECATED_TERMS_AND_CONDITIONS_SHA256: Final = (
    "4bd7554097444c960292b4726c2efa1373485e8a5565d94d41195214c5e0ceb3"
)


def text_sha256(text: str) -> str:
    """Hex SHA-256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
