"""Memoised scoped-context processing gives exactly what pyld alone gives.

JSON-LD 1.1 Processing Algorithms §4.1: type-scoped and property-scoped contexts are
processed whenever a node uses them; :class:`RegistryProcessor` reuses earlier results for
identical (same objects) inputs. These tests compare it with plain pyld, across registries
that serve different documents under one URL and across documents whose inline scoped
contexts differ between calls.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyld.nquads import serialize_nquads

from credentials.jsonld import ContextRegistry, canonicalize, to_rdf
from credentials.jsonld.processor import (
    PROCESSED_CONTEXT_CACHE_SIZE,
    PROCESSED_CONTEXT_CACHE_TERMS,
    ProcessedContextCache,
)

V2 = "https://www.w3.org/ns/credentials/v2"
CUSTOM = "https://contexts.example/company/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def _scoped(iri: str) -> dict[str, Any]:
    """A context whose ``Company`` type carries a type-scoped context defining ``siren``."""
    return {
        "@context": {
            "Company": {"@id": "https://contexts.example/Company", "@context": {"siren": iri}}
        }
    }


def _credential(context: Any = CUSTOM) -> dict[str, Any]:
    return {
        "@context": [V2, context],
        "id": "urn:uuid:1c3e5a7b-9d0f-4a2b-8c4d-6e8f0a1b2c3d",
        "type": ["VerifiableCredential"],
        "issuer": "did:web:issuer.example",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:acme", "type": "Company", "siren": "552100554"},
    }


def _plain_pyld(document: dict[str, Any], registry: ContextRegistry) -> str:
    options = registry.pyld_options()
    options["base"] = ""
    options["format"] = "application/n-quads"
    nquads: str = jsonld.JsonLdProcessor().to_rdf(document, options)
    return "".join(sorted(nquads.splitlines(keepends=True)))


def _ours(document: dict[str, Any], registry: ContextRegistry) -> str:
    nquads: str = serialize_nquads(to_rdf(document, registry))
    return "".join(sorted(nquads.splitlines(keepends=True)))


def test_scoped_contexts_are_processed_once_per_registry() -> None:
    registry = ContextRegistry.standard()
    canonicalize(_credential(EXAMPLES), registry)
    cached = len(registry.processed_contexts)
    assert cached >= 1
    canonicalize(_credential(EXAMPLES), registry)
    assert len(registry.processed_contexts) == cached


def test_registries_serving_one_url_differently_do_not_share_results() -> None:
    one = ContextRegistry.standard().with_documents({CUSTOM: _scoped("https://a.example/siren")})
    two = ContextRegistry.standard().with_documents({CUSTOM: _scoped("https://b.example/siren")})
    for _ in range(3):
        assert "<https://a.example/siren>" in canonicalize(_credential(), one)
        assert "<https://b.example/siren>" in canonicalize(_credential(), two)


def test_inline_scoped_contexts_that_change_between_calls_are_not_confused() -> None:
    registry = ContextRegistry.standard()
    for index in range(5):
        iri = f"https://inline.example/{index}/siren"
        document = _credential(_scoped(iri)["@context"])
        assert f"<{iri}>" in canonicalize(document, registry)


def test_the_cache_is_bounded() -> None:
    registry = ContextRegistry.standard()
    for index in range(PROCESSED_CONTEXT_CACHE_SIZE + 50):
        canonicalize(_credential(_scoped(f"https://x.example/{index}")["@context"]), registry)
        assert len(registry.processed_contexts) <= PROCESSED_CONTEXT_CACHE_SIZE


def test_the_cache_is_bounded_by_term_definitions() -> None:
    cache = ProcessedContextCache()
    big: dict[str, Any] = {
        "mappings": {f"t{i}": {} for i in range(PROCESSED_CONTEXT_CACHE_TERMS // 2)}
    }
    keys = [(i, i, False, True, True, None, None) for i in range(4)]
    for key in keys:
        cache.put(key, key, key, big)
    assert len(cache) == 1
    assert cache.get(keys[3], keys[3], keys[3]) is big
    huge: dict[str, Any] = {
        "mappings": {f"t{i}": {} for i in range(PROCESSED_CONTEXT_CACHE_TERMS + 1)}
    }
    cache.put(keys[0], keys[0], keys[0], huge)
    assert len(cache) == 0


_IRIS = st.sampled_from(["https://a.example/siren", "https://b.example/siren", "urn:example:siren"])


@settings(max_examples=100, deadline=None)
@given(iris=st.lists(_IRIS, min_size=1, max_size=4), inline=st.booleans())
def test_same_rdf_as_plain_pyld(iris: list[str], inline: bool) -> None:
    """Differential: a registry reused for several documents yields pyld's own quads."""
    registry = ContextRegistry.standard().with_documents({CUSTOM: _scoped(iris[0])})
    for iri in iris:
        document = _credential(_scoped(iri)["@context"] if inline else CUSTOM)
        assert _ours(document, registry) == _plain_pyld(document, registry)


def test_the_pyld_internals_we_extend_keep_their_signatures() -> None:
    """Safe mode and memoisation override pyld 3.3 internals; an upgrade that changes
    them must fail here, not silently weaken safe mode."""
    import inspect

    assert list(inspect.signature(jsonld.JsonLdProcessor._expand).parameters) == [
        "self",
        "active_ctx",
        "active_property",
        "element",
        "options",
        "inside_list",
        "inside_index",
        "type_scoped_ctx",
    ]
    assert list(inspect.signature(jsonld.JsonLdProcessor._process_context).parameters) == [
        "self",
        "active_ctx",
        "local_ctx",
        "options",
        "override_protected",
        "propagate",
        "validate_scoped",
        "cycles",
    ]
    assert "on_property_dropped" in inspect.signature(jsonld.JsonLdProcessor).parameters
