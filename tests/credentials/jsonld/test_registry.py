"""The frozen context registry: embedded digests, refusals, immutability, no network."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from credentials.jsonld import (
    ContextConflictError,
    ContextIntegrityError,
    ContextRegistry,
    UnknownContextError,
    canonicalize,
)
from credentials.jsonld.registry import (
    BITSTRING_STATUS_LIST_V1,
    CREDENTIALS_EXAMPLES_V2,
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DATA_INTEGRITY_V2,
    DID_V1,
    JWS_2020_V1,
    MULTIKEY_V1,
    RESOLVED_CONTEXT_CACHE_SIZE,
    STATUS_LIST_2021_V1,
    embedded_bytes,
    embedded_index,
)

STANDARD = (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DATA_INTEGRITY_V2,
    MULTIKEY_V1,
    DID_V1,
    JWS_2020_V1,
    BITSTRING_STATUS_LIST_V1,
    STATUS_LIST_2021_V1,
    CREDENTIALS_EXAMPLES_V2,
)
CUSTOM = "https://contexts.example/alumni/v1"


def _custom(iri: str) -> dict[str, Any]:
    return {"@context": {"alumniOf": {"@id": iri}, "Alumni": iri + "Type"}}


def test_standard_registry_serves_exactly_the_embedded_contexts() -> None:
    assert ContextRegistry.standard().urls == frozenset(STANDARD)


@pytest.mark.parametrize("url", STANDARD)
def test_embedded_file_matches_published_sha256(url: str) -> None:
    entry = embedded_index()[url]
    assert hashlib.sha256(embedded_bytes(entry["file"])).hexdigest() == entry["sha256"]
    assert ContextRegistry.standard().digest(url) == entry["sha256"]


def test_credentials_v2_digest_is_the_one_vcdm_2_publishes() -> None:
    # VC Data Model 2.0 §B.1 lists this SHA-256 for https://www.w3.org/ns/credentials/v2.
    assert (
        embedded_index()[CREDENTIALS_V2]["sha256"]
        == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    )


@pytest.mark.shared
@pytest.mark.parametrize("url", STANDARD)
def test_embedded_file_matches_shared_index(url: str, shared: Path) -> None:
    shared_index = json.loads((shared / "contexts" / "index.json").read_text())
    entry = embedded_index()[url]
    assert entry["sha256"] == shared_index[url]["sha256"]
    assert embedded_bytes(entry["file"]) == (shared / "contexts" / entry["file"]).read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "https://w3id.org/citizenship/v4rc1",
        "https://www.w3.org/ns/credentials/v2/",
        "http://www.w3.org/ns/credentials/v2",
        "https://evil.example/context",
        "file:///etc/passwd",
    ],
)
def test_unknown_url_is_refused_without_network(url: str) -> None:
    registry = ContextRegistry.standard()
    with pytest.raises(UnknownContextError) as caught:
        registry.load(url)
    assert caught.value.code == "unknown_context"
    with pytest.raises(UnknownContextError):
        registry.document_loader(url, {})


def test_document_naming_an_unknown_context_is_refused() -> None:
    document = {"@context": [CREDENTIALS_V2, "https://evil.example/ctx"], "type": "X"}
    with pytest.raises(UnknownContextError):
        canonicalize(document, ContextRegistry.standard())


def test_pyld_loader_returns_a_remote_document_copy() -> None:
    registry = ContextRegistry.standard()
    remote = registry.document_loader(CREDENTIALS_V2, {})
    assert remote["documentUrl"] == CREDENTIALS_V2
    assert remote["contextUrl"] is None
    remote["document"]["@context"]["VerifiableCredential"] = "tampered"
    assert registry.load(CREDENTIALS_V2)["@context"]["VerifiableCredential"] != "tampered"


def test_with_documents_returns_a_new_registry() -> None:
    base = ContextRegistry.standard()
    extended = base.with_documents({CUSTOM: _custom("https://a.example/")})
    assert CUSTOM in extended
    assert CUSTOM not in base


def test_standard_context_cannot_be_redefined() -> None:
    swapped = ContextRegistry.standard().load(CREDENTIALS_V2)
    swapped["@context"]["name"] = "https://evil.example/name"
    with pytest.raises(ContextConflictError) as caught:
        ContextRegistry.standard().with_documents({CREDENTIALS_V2: swapped})
    assert caught.value.code == "context_conflict"


def test_registering_the_identical_document_again_is_allowed() -> None:
    same = ContextRegistry.standard().load(CREDENTIALS_V2)
    assert CREDENTIALS_V2 in ContextRegistry.standard().with_documents({CREDENTIALS_V2: same})


def test_pinned_digest_mismatch_is_refused() -> None:
    raw = json.dumps(_custom("https://a.example/")).encode()
    with pytest.raises(ContextIntegrityError) as caught:
        ContextRegistry.standard().with_documents({CUSTOM: raw}, digests={CUSTOM: "00" * 32})
    assert caught.value.code == "context_integrity"


def test_pinned_digest_match_is_accepted() -> None:
    raw = json.dumps(_custom("https://a.example/")).encode()
    digest = hashlib.sha256(raw).hexdigest()
    registry = ContextRegistry.standard().with_documents({CUSTOM: raw}, digests={CUSTOM: digest})
    assert registry.digest(CUSTOM) == digest


def test_pinned_digest_needs_bytes() -> None:
    with pytest.raises(ContextIntegrityError):
        ContextRegistry.standard().with_documents(
            {CUSTOM: _custom("https://a.example/")}, digests={CUSTOM: "00" * 32}
        )


def test_non_object_context_is_refused() -> None:
    with pytest.raises(ContextIntegrityError):
        ContextRegistry.standard().with_documents({CUSTOM: b"[1, 2]"})


def test_swapped_context_changes_the_canonical_form_and_caches_stay_separate() -> None:
    """Same URL, same terms, other IRIs: each registry canonicalises with its own document
    (pyld's process-wide context cache is keyed by URL only; ours is per registry)."""
    document = {
        "@context": [CREDENTIALS_V2, CUSTOM],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "Alumni"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:s", "alumniOf": "School"},
    }
    honest = ContextRegistry.standard().with_documents({CUSTOM: _custom("https://a.example/")})
    swapped = ContextRegistry.standard().with_documents({CUSTOM: _custom("https://b.example/")})
    first = canonicalize(document, honest)
    second = canonicalize(document, swapped)
    assert "https://a.example/" in first
    assert "https://b.example/" in second
    assert first != second
    assert canonicalize(document, honest) == first


def test_inline_contexts_cannot_grow_the_cache_without_bound() -> None:
    registry = ContextRegistry.standard()
    for index in range(RESOLVED_CONTEXT_CACHE_SIZE + 20):
        canonicalize({"@context": {"p": f"https://a.example/{index}"}, "p": "v"}, registry)
    cache = registry.pyld_options()["contextResolver"].shared_cache
    assert len(cache) <= RESOLVED_CONTEXT_CACHE_SIZE
    canonicalize({"@context": CREDENTIALS_V2, "type": "VerifiableCredential"}, registry)
    assert CREDENTIALS_V2 in cache
