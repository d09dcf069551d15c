"""The Gaia-X JSON-LD contexts this package embeds, and a registry that serves them.

Why embedded: the Tagus JsonWebSignature2020 payload is a hash of URDNA2015 N-Quads, which
depend on every context the credential names (reference gaia-x.md §2.1 "ship local copies
with a pinned document loader", as the compliance service itself does); a signer and a
verifier that resolve different documents disagree on every signature. They are the
standard documents of the Gaia-X ecosystem, in the same role as the W3C contexts that
:mod:`credentials.jsonld` embeds, and are checked against their pinned SHA-256 whenever they
are loaded. The Tagus document also carries the 22.10 shapes in its ``@graph``; only its
``@context`` is used here — SHACL validation takes shapes from configuration.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Final

from credentials.jsonld import ContextRegistry
from credentials.jsonld.errors import ContextIntegrityError

_PACKAGE: Final = "issuer.gaia_x.contexts"


@functools.cache
def context_index() -> dict[str, dict[str, str]]:
    """URL → ``file``, pinned ``sha256`` and ``source`` of each embedded Gaia-X context."""
    text = resources.files(_PACKAGE).joinpath("index.json").read_text("utf-8")
    index: dict[str, dict[str, str]] = json.loads(text)
    return index


def context_bytes(url: str) -> bytes:
    """The embedded bytes of the context published at ``url``, checked against their pin."""
    entry = context_index()[url]
    raw = resources.files(_PACKAGE).joinpath(entry["file"]).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry["sha256"]:
        raise ContextIntegrityError(
            f"embedded Gaia-X context {url} has sha256 {digest}, expected {entry['sha256']}"
        )
    return raw


def gaia_x_registry(base: ContextRegistry | None = None) -> ContextRegistry:
    """``base`` (default: the standard W3C registry) plus the Tagus and Loire contexts."""
    index = context_index()
    registry = base if base is not None else ContextRegistry.standard()
    return registry.with_documents(
        {url: context_bytes(url) for url in index},
        digests={url: entry["sha256"] for url, entry in index.items()},
    )
