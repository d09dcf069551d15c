"""JSON-LD safe mode: every construct that expansion or RDF conversion would drop is refused.

JSON-LD 1.1 Processing Algorithms §5.1 step 13.3 drops keys that expand to neither an
absolute IRI nor a keyword; §8.3 skips relative IRIs. jsonld-signatures canonicalises with
jsonld.js ``safe: true``, which throws on each of these events; so must we, with
``unsafe_jsonld`` naming the event, the value and where it sits.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.jsonld import (
    ContextRegistry,
    UnsafeJsonLdError,
    canonicalize,
    to_rdf,
    unsafe_events,
)

V2 = "https://www.w3.org/ns/credentials/v2"
REGISTRY = ContextRegistry.standard()


def _credential() -> dict[str, Any]:
    return {
        "@context": [V2],
        "id": "urn:uuid:2f1a6a8e-3d4b-4f0e-9a57-0c1d2e3f4a5b",
        "type": ["VerifiableCredential"],
        "issuer": "did:web:issuer.example",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "ACME SAS"},
    }


def _with(mutate: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    document = _credential()
    mutate(document)
    return document


def _subject(document: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = document["credentialSubject"]
    return subject


def _inline(document: dict[str, Any], context: dict[str, Any], **members: Any) -> None:
    document["@context"] = [V2, context]
    document.update(members)


#: (id, mutation, jsonld.js event code, offending value, path)
UNSAFE: list[tuple[str, Callable[[dict[str, Any]], object], str, str, str]] = [
    (
        "undefined top-level term",
        lambda d: d.update(siren="552100554"),
        "invalid property",
        "siren",
        "siren",
    ),
    (
        "undefined term in credentialSubject",
        lambda d: _subject(d).update(siren="552100554"),
        "invalid property",
        "siren",
        "credentialSubject.siren",
    ),
    (
        "undefined term two levels down",
        lambda d: _subject(d).update(address={"id": "urn:x:a", "street": "1 rue X"}),
        "invalid property",
        "address",
        "credentialSubject.address",
    ),
    (
        "relative @type",
        lambda d: d.update(type=["VerifiableCredential", "CompanyCredential"]),
        "relative @type reference",
        "CompanyCredential",
        "",
    ),
    (
        "relative @id",
        lambda d: d.update(id="credentials/42"),
        "relative @id reference",
        "credentials/42",
        "",
    ),
    (
        "relative IRI as an @id-typed value",
        lambda d: d.update(issuer="issuer"),
        "relative @id reference",
        "issuer",
        "issuer",
    ),
    (
        "relative subject id",
        lambda d: _subject(d).update(id="holder"),
        "relative @id reference",
        "holder",
        "credentialSubject",
    ),
    (
        "IRI with a space",
        lambda d: d.update(id="urn:a b"),
        "relative @id reference",
        "urn:a b",
        "",
    ),
    (
        "term mapped to null",
        lambda d: _inline(d, {"siren": None}, siren="552100554"),
        "invalid property",
        "(a term mapped to null or keyword-like)",
        "",
    ),
    (
        "keyword-like key",
        lambda d: d.update({"@siren": "552100554"}),
        "invalid property",
        "(a term mapped to null or keyword-like)",
        "",
    ),
    (
        "relative @vocab",
        lambda d: _inline(d, {"@vocab": "terms/"}, siren="552100554"),
        "invalid property",
        "terms/siren",
        "terms/siren",
    ),
    (
        "blank node predicate",
        lambda d: _inline(d, {"siren": "_:siren"}, siren="552100554"),
        "blank node predicate",
        "_:siren",
        "",
    ),
    (
        "null @value",
        lambda d: _subject(d).update(name={"@value": None}),
        "dropped value",
        "an object",
        "credentialSubject.name",
    ),
    (
        "free-floating scalar in @graph",
        lambda d: _inline(d, {"g": "@graph"}, g=[1]),
        "dropped value",
        "1",
        "g",
    ),
    (
        "node with only @id in @graph",
        lambda d: _inline(d, {"g": "@graph"}, g=[{"@id": "urn:x:1"}]),
        "dropped value",
        "an object",
        "g",
    ),
    (
        "invalid language tag",
        lambda d: _subject(d).update(name={"@value": "ACME", "@language": "fr FR"}),
        "invalid @language value",
        "fr fr",
        "credentialSubject.name",
    ),
    (
        "text direction without rdfDirection",
        lambda d: _subject(d).update(
            name={"@value": "ACME", "@language": "ar", "@direction": "rtl"}
        ),
        "rdfDirection not set",
        "rtl",
        "credentialSubject.name",
    ),
]


def test_the_base_credential_is_safe() -> None:
    assert unsafe_events(_credential(), REGISTRY) == []
    assert "<did:example:holder> <https://schema.org/name>" in canonicalize(_credential(), REGISTRY)


@pytest.mark.parametrize(
    ("mutate", "code", "value", "path"),
    [case[1:] for case in UNSAFE],
    ids=[case[0] for case in UNSAFE],
)
def test_unsafe_construct_is_refused(
    mutate: Callable[[dict[str, Any]], object], code: str, value: str, path: str
) -> None:
    document = _with(mutate)
    with pytest.raises(UnsafeJsonLdError) as caught:
        canonicalize(document, REGISTRY)
    assert caught.value.code == "unsafe_jsonld"
    first = caught.value.events[0]
    assert (first.code, first.value, first.path) == (code, value, path)
    assert code in caught.value.detail
    assert unsafe_events(document, REGISTRY)[0] == first


@pytest.mark.parametrize("mutate", [case[1] for case in UNSAFE], ids=[case[0] for case in UNSAFE])
def test_safe_false_is_plain_json_ld(mutate: Callable[[dict[str, Any]], object]) -> None:
    """The opt-out gives JSON-LD 1.1's lossy result, which is what safe mode protects from."""
    canonicalize(_with(mutate), REGISTRY, safe=False)


def test_the_undefined_term_is_really_dropped_without_safe_mode() -> None:
    """Why safe mode exists: two documents differing only in an undefined term have the
    same canonical form, so one signature covers both."""
    one = _with(lambda d: _subject(d).update(siren="552100554"))
    two = _with(lambda d: _subject(d).update(siren="999999999"))
    assert canonicalize(one, REGISTRY, safe=False) == canonicalize(two, REGISTRY, safe=False)
    assert canonicalize(one, REGISTRY, safe=False) == canonicalize(_credential(), REGISTRY)


def test_every_event_is_reported_up_to_a_bound() -> None:
    document = _credential()
    for index in range(40):
        _subject(document)[f"undefined{index}"] = index
    with pytest.raises(UnsafeJsonLdError) as caught:
        to_rdf(document, REGISTRY)
    assert len(caught.value.events) == 16
    assert "(and 35 more)" in caught.value.detail


def test_prefixed_names_with_an_unknown_prefix_are_absolute_iris() -> None:
    """``foo:bar`` with no ``foo`` prefix is an IRI with scheme ``foo``: kept and signed."""
    document = _with(lambda d: _subject(d).update({"acme:siren": "552100554"}))
    assert "<acme:siren>" in canonicalize(document, REGISTRY)


def test_explicit_null_values_are_not_events() -> None:
    """JSON-LD null means "no value" (§5.1 step 13.4.x); nothing is lost."""
    document = _with(lambda d: _subject(d).update(name=None))
    assert unsafe_events(document, REGISTRY) == []


def test_a_context_with_vocab_makes_every_term_defined() -> None:
    document = _with(lambda d: _subject(d).update(siren="552100554"))
    document["@context"].append("https://www.w3.org/ns/credentials/examples/v2")
    assert "examples#siren" in canonicalize(document, REGISTRY)


def test_safe_mode_does_not_change_a_safe_document_s_canonical_form() -> None:
    assert canonicalize(_credential(), REGISTRY) == canonicalize(
        _credential(), REGISTRY, safe=False
    )


def _terms_of(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_terms_of(item) for item in value.values()))
    return set()


#: Every term the v2 context defines, at any scope (``exp``, ``nbf``… are defined).
_V2_TERMS = _terms_of(REGISTRY.load(V2))
_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).filter(
    lambda key: key not in _V2_TERMS
)


@settings(max_examples=100, deadline=None)
@given(key=_KEYS, value=st.one_of(st.text(max_size=20), st.integers(), st.booleans()))
def test_any_undefined_subject_term_is_refused(key: str, value: object) -> None:
    document = copy.deepcopy(_credential())
    _subject(document)[key] = value
    events = unsafe_events(document, REGISTRY)
    assert ("invalid property", key, f"credentialSubject.{key}") in [
        (e.code, e.value, e.path) for e in events
    ]
