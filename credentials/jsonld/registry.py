"""A frozen registry of JSON-LD context documents and the loader that serves them.

VC Data Integrity 1.0 §4.6 "Context Validation" asks verifiers to accept only ``@context``
values they know and expect; §5.2 (security considerations) warns that fetching contexts
from the network lets whoever controls DNS or the host change what a signed document means.
This module therefore never fetches anything: :meth:`ContextRegistry.standard` serves the
standard contexts embedded in this package (each checked against its published SHA-256 when
loaded), and an application adds its own with :meth:`ContextRegistry.with_documents`, which
returns a *new* registry. A registry cannot be changed once built; it is passed into every
canonicalisation, signing and verification call, like jsonld-signatures' document loader.

The loader has two faces: :meth:`ContextRegistry.load` (a URL → a fresh copy of the
document) and :attr:`ContextRegistry.document_loader` (pyld's ``documentLoader`` callable).
Anything else raises :class:`~credentials.jsonld.errors.UnknownContextError`.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from credentials.jsonld.errors import (
    ContextConflictError,
    ContextIntegrityError,
    UnknownContextError,
)
from credentials.jsonld.processor import ProcessedContextCache

#: Upper bound on one registered context document (the largest standard one is 10 KB).
MAX_CONTEXT_BYTES: Final = 256 * 1024
#: pyld keeps resolved contexts per registry; inline contexts found in documents are cached
#: too, up to this many entries.
RESOLVED_CONTEXT_CACHE_SIZE: Final = 256

CREDENTIALS_V1: Final = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2: Final = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1: Final = "https://w3id.org/security/multikey/v1"
DID_V1: Final = "https://www.w3.org/ns/did/v1"
JWS_2020_V1: Final = "https://w3id.org/security/suites/jws-2020/v1"
BITSTRING_STATUS_LIST_V1: Final = "https://www.w3.org/ns/credentials/status/v1"
STATUS_LIST_2021_V1: Final = "https://w3id.org/vc/status-list/2021/v1"
CREDENTIALS_EXAMPLES_V2: Final = "https://www.w3.org/ns/credentials/examples/v2"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parse_context(url: str, raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_CONTEXT_BYTES:
        raise ContextIntegrityError(f"context {url} is larger than {MAX_CONTEXT_BYTES} bytes")
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContextIntegrityError(f"context {url} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ContextIntegrityError(f"context {url} is not a JSON object")
    return document


def embedded_index() -> dict[str, dict[str, str]]:
    """The package's context index: URL → ``file``, published ``sha256``, ``source``."""
    text = (
        resources.files(__package__).joinpath("contexts").joinpath("index.json").read_text("utf-8")
    )
    index: dict[str, dict[str, str]] = json.loads(text)
    return index


def embedded_bytes(file_name: str) -> bytes:
    return resources.files(__package__).joinpath("contexts").joinpath(file_name).read_bytes()


@functools.cache
def _standard_documents() -> tuple[MappingProxyType[str, Any], MappingProxyType[str, str]]:
    documents: dict[str, Any] = {}
    digests: dict[str, str] = {}
    for url, entry in embedded_index().items():
        raw = embedded_bytes(entry["file"])
        digest = sha256_hex(raw)
        if digest != entry["sha256"]:
            raise ContextIntegrityError(
                f"embedded context {url} has sha256 {digest}, expected {entry['sha256']}"
            )
        documents[url] = _parse_context(url, raw)
        digests[url] = digest
    return MappingProxyType(documents), MappingProxyType(digests)


class _ResolvedContextCache(dict[str, Any]):
    """pyld's shared resolved-context cache for one registry.

    Registered URLs are always kept; other keys (the canonical JSON of inline contexts found
    in documents) only while the cache is below :data:`RESOLVED_CONTEXT_CACHE_SIZE`, so an
    attacker cannot grow it. Plain ``dict`` operations keep it safe under threads.
    """

    def __init__(self, pinned: frozenset[str]) -> None:
        super().__init__()
        self._pinned = pinned

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self._pinned or len(self) < RESOLVED_CONTEXT_CACHE_SIZE:
            super().__setitem__(key, value)


class ContextRegistry:
    """An immutable URL → context-document map, with pyld's resolved-context cache.

    pyld caches resolved remote contexts in a process-wide table keyed by URL only; two
    registries serving different documents under one URL would then see each other's
    contexts. Each registry therefore owns its cache (see :meth:`pyld_options`).
    """

    __slots__ = ("_cache", "_digests", "_documents", "_processed")

    def __init__(self, documents: Mapping[str, Any], digests: Mapping[str, str]) -> None:
        self._documents: Mapping[str, Any] = MappingProxyType(dict(documents))
        self._digests: Mapping[str, str] = MappingProxyType(dict(digests))
        self._cache = _ResolvedContextCache(frozenset(self._documents))
        self._processed = ProcessedContextCache()

    @classmethod
    def standard(cls) -> ContextRegistry:
        """The contexts embedded in this package, each verified against its SHA-256."""
        documents, digests = _standard_documents()
        return cls(documents, digests)

    @classmethod
    def empty(cls) -> ContextRegistry:
        return cls({}, {})

    def with_documents(
        self,
        documents: Mapping[str, Mapping[str, Any] | bytes],
        *,
        digests: Mapping[str, str] | None = None,
    ) -> ContextRegistry:
        """A new registry that also serves ``documents`` (URL → parsed JSON or raw bytes).

        When ``digests`` names a URL, the document must be given as bytes whose SHA-256
        (hex) equals the digest. A URL already in the registry may be registered again only
        with an identical document; anything else is a :class:`ContextConflictError`, so an
        application cannot silently redefine ``https://www.w3.org/ns/credentials/v2``.
        """
        pinned = dict(digests or {})
        added: dict[str, Any] = {}
        added_digests: dict[str, str] = {}
        for url, value in documents.items():
            if isinstance(value, bytes | bytearray):
                raw = bytes(value)
                digest = sha256_hex(raw)
                expected = pinned.pop(url, None)
                if expected is not None and digest != expected.lower():
                    raise ContextIntegrityError(
                        f"context {url} has sha256 {digest}, expected {expected}"
                    )
                document = _parse_context(url, raw)
                added_digests[url] = digest
            else:
                if url in pinned:
                    raise ContextIntegrityError(
                        f"context {url} is pinned by digest: pass its bytes, not parsed JSON"
                    )
                document = copy.deepcopy(dict(value))
                encoded = json.dumps(document, sort_keys=True).encode()
                if len(encoded) > MAX_CONTEXT_BYTES:
                    raise ContextIntegrityError(f"context {url} is too large")
            if url in self._documents and self._documents[url] != document:
                raise ContextConflictError(f"context {url} is already registered differently")
            added[url] = document
        if pinned:
            raise ContextIntegrityError(f"digests given for unregistered URLs: {sorted(pinned)}")
        return ContextRegistry({**self._documents, **added}, {**self._digests, **added_digests})

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def digest(self, url: str) -> str | None:
        """The SHA-256 of the bytes a context was registered from, if it came as bytes."""
        return self._digests.get(url)

    def __contains__(self, url: object) -> bool:
        return url in self._documents

    def load(self, url: str) -> dict[str, Any]:
        """A fresh copy of the context document at ``url``; never touches the network."""
        try:
            document = self._documents[url]
        except (KeyError, TypeError):
            shown = url[:200] if isinstance(url, str) else repr(type(url))
            raise UnknownContextError(f"context {shown} is not in the registry") from None
        result: dict[str, Any] = copy.deepcopy(document)
        return result

    def document_loader(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """pyld ``documentLoader``: a JSON-LD 1.1 API *RemoteDocument* for a registered URL.

        The ``tag`` lets pyld's context resolver keep the processed context in this
        registry's own cache.
        """
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.load(url),
            "tag": "static",
        }

    @property
    def processed_contexts(self) -> ProcessedContextCache:
        """This registry's memoised scoped-context processing (see
        :mod:`credentials.jsonld.processor`)."""
        return self._processed

    def pyld_options(self) -> dict[str, Any]:
        """Options for pyld calls: this loader and a context resolver over this cache."""
        from pyld.context_resolver import ContextResolver

        return {
            "documentLoader": self.document_loader,
            "contextResolver": ContextResolver(self._cache, self.document_loader),
        }

    def __repr__(self) -> str:
        return f"ContextRegistry({len(self._documents)} contexts)"
