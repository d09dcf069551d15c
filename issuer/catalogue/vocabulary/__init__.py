"""The project's JSON-LD vocabulary: ``https://w3id.org/attestia/v1``.

The context document is embedded (``attestia-v1.jsonld``), ``@protected``, and maps each
claim name and credential type to an IRI under ``https://w3id.org/attestia/vocab#``. It is
registered with the :class:`~credentials.jsonld.ContextRegistry` by its bytes, so its
SHA-256 is pinned like the standard contexts, and served by the issuer at
``/issuer/contexts/attestia-v1.jsonld`` (the w3id redirect points there).
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any, Final

from credentials.jsonld import ContextRegistry

ATTESTIA_V1: Final = "https://w3id.org/attestia/v1"
VOCAB_BASE: Final = "https://w3id.org/attestia/vocab#"
FILE_NAME: Final = "attestia-v1.jsonld"
MEDIA_TYPE: Final = "application/ld+json"


@functools.cache
def context_bytes() -> bytes:
    """The context document exactly as served and registered."""
    return resources.files(__package__).joinpath(FILE_NAME).read_bytes()


def context_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(context_bytes())
    return document


def context_sha256() -> str:
    return hashlib.sha256(context_bytes()).hexdigest()


def defined_terms() -> frozenset[str]:
    """Every term the context defines (keywords and prefixes excluded)."""
    terms = context_document()["@context"]
    return frozenset(t for t in terms if not t.startswith("@") and t not in ("attestia", "xsd"))


def register(registry: ContextRegistry) -> ContextRegistry:
    """A new registry that also serves the vocabulary, pinned to its SHA-256."""
    return registry.with_documents(
        {ATTESTIA_V1: context_bytes()}, digests={ATTESTIA_V1: context_sha256()}
    )
