"""DidResolver (method allow-list, TTL cache) and relationship-checked dereferencing."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.did import (
    DidResolver,
    default_resolver,
    dereference,
    parse_did_url,
    verification_method_for,
)
from credentials.did.document import PublishedKey, build_did_document
from credentials.did.jwk import JwkMethod, did_jwk_from_jwk
from credentials.did.key import KeyMethod, did_key_from_public_key
from credentials.errors import CredentialError, KeyResolutionError, MalformedError
from credentials.jose import sign_jwt, verify_jwt
from credentials.jose.policy import JosePolicy
from credentials.keys import SoftwareSigner, generate_private_key, public_jwk

DID = "did:web:issuer.example"


class StaticMethod:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.calls = 0

    def resolve(self, did: str) -> dict[str, Any]:
        self.calls += 1
        return copy.deepcopy(self.document)


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def _web_document() -> tuple[dict[str, Any], Any]:
    private = generate_private_key("P-256")
    document = build_did_document(
        DID, [PublishedKey("k1", private.public_key(), ("assertionMethod",))]
    )
    return document, private


def test_allow_list_of_methods() -> None:
    resolver = DidResolver({"key": KeyMethod()}, clock=Clock())
    did_jwk = did_jwk_from_jwk(public_jwk(generate_private_key("Ed25519").public_key()))
    with pytest.raises(KeyResolutionError, match="not allowed"):
        resolver.resolve(did_jwk)
    assert resolver.methods == frozenset({"key"})


def test_cache_respects_ttl() -> None:
    document, _ = _web_document()
    method, clock = StaticMethod(document), Clock()
    resolver = DidResolver({"web": method}, clock=clock, ttl=60)
    resolver.resolve(DID)["id"] = "tampered"
    assert resolver.resolve(DID)["id"] == DID
    assert method.calls == 1
    clock.now = 61
    resolver.resolve(DID)
    assert method.calls == 2


def test_computed_methods_are_not_cached() -> None:
    """did:jwk documents are computed from the DID: one cache entry per holder key would
    only push fetched did:web documents out."""
    did = did_jwk_from_jwk(public_jwk(generate_private_key("P-256").public_key()))
    document = {"id": did, "verificationMethod": []}
    jwk_method, web_method = StaticMethod(document), StaticMethod(_web_document()[0])
    resolver = DidResolver({"jwk": jwk_method, "web": web_method}, clock=Clock(), max_entries=1)
    resolver.resolve(DID)
    for _ in range(3):
        assert resolver.resolve(did)["id"] == did
    resolver.resolve(DID)
    assert (jwk_method.calls, web_method.calls) == (3, 1)


def test_method_returning_another_document_is_refused() -> None:
    document, _ = _web_document()
    resolver = DidResolver({"web": StaticMethod(document)}, clock=Clock())
    with pytest.raises(KeyResolutionError):
        resolver.resolve("did:web:other.example")


def test_verification_method_for_assertion() -> None:
    document, private = _web_document()
    resolver = DidResolver({"web": StaticMethod(document)}, clock=Clock())
    key = resolver.verification_method_for(f"{DID}#k1", "assertionMethod")
    assert key.type == "Multikey"
    assert key.controller == DID
    assert public_jwk(key.public_key) == public_jwk(private.public_key())
    with pytest.raises(KeyResolutionError, match="authentication"):
        resolver.verification_method_for(f"{DID}#k1", "authentication")


def test_relative_and_embedded_references() -> None:
    private = generate_private_key("Ed25519")
    vm = {
        "id": "#emb",
        "type": "JsonWebKey",
        "controller": DID,
        "publicKeyJwk": public_jwk(private.public_key()),
    }
    document = {
        "id": DID,
        "verificationMethod": [
            {
                "id": "#rel",
                "type": "JsonWebKey2020",
                "controller": DID,
                "publicKeyJwk": public_jwk(private.public_key()),
            }
        ],
        "assertionMethod": ["#rel"],
        "authentication": [vm],
    }
    assert verification_method_for(document, f"{DID}#rel", "assertionMethod").id == f"{DID}#rel"
    assert verification_method_for(document, "#emb", "authentication").type == "JsonWebKey"
    assert dereference(document, "#emb") == vm
    with pytest.raises(KeyResolutionError):
        verification_method_for(document, "#emb", "assertionMethod")


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (
            lambda d: d["verificationMethod"][0].update(controller="did:web:evil.example"),
            KeyResolutionError,
        ),
        (
            lambda d: d["verificationMethod"][0].update(type="Ed25519VerificationKey2018"),
            KeyResolutionError,
        ),
        (lambda d: d["verificationMethod"][0].pop("publicKeyMultibase"), MalformedError),
        (lambda d: d["verificationMethod"][0].update(publicKeyJwk={"kty": "EC"}), MalformedError),
        (lambda d: d.update(assertionMethod="#k1"), MalformedError),
        (
            lambda d: d["verificationMethod"].append(
                {**d["verificationMethod"][0], "controller": "x"}
            ),
            MalformedError,
        ),
        (lambda d: d.update(assertionMethod=[42]), MalformedError),
    ],
)
def test_bad_documents(mutate: Any, error: type[Exception]) -> None:
    document, _ = _web_document()
    mutate(document)
    with pytest.raises(error):
        verification_method_for(document, f"{DID}#k1", "assertionMethod")


@pytest.mark.parametrize(
    "did_url",
    [f"{DID}#missing", "did:web:other.example#k1", DID, f"{DID}/path#k1", f"{DID}?versionId=1#k1"],
)
def test_unresolvable_did_urls(did_url: str) -> None:
    document, _ = _web_document()
    with pytest.raises(KeyResolutionError):
        verification_method_for(document, did_url, "assertionMethod")


def test_jose_key_resolver_with_did_key_and_did_url_kid() -> None:
    private = generate_private_key("Ed25519")
    did = did_key_from_public_key(private.public_key())
    resolver = default_resolver(fetcher=_no_fetch(), clock=Clock(), methods=("key", "jwk"))
    for kid in (f"{did}#{did.removeprefix('did:key:')}", did):
        token = sign_jwt(
            {"typ": "kb+jwt", "kid": kid}, {"iat": 1}, SoftwareSigner(private, kid=kid)
        )
        _, claims = verify_jwt(
            token,
            policy=JosePolicy(),
            typ=["kb+jwt"],
            key_resolver=resolver.jose_key_resolver("authentication"),
            now=1,
        )
        assert claims == {"iat": 1}
    key_resolver = resolver.jose_key_resolver("authentication")
    for header in ({}, {"kid": "not-a-did"}, {"kid": 7}):
        with pytest.raises(KeyResolutionError):
            key_resolver(header)


def test_jwk_method_via_resolver() -> None:
    jwk = public_jwk(generate_private_key("P-384").public_key())
    did = did_jwk_from_jwk(jwk)
    resolver = DidResolver({"jwk": JwkMethod()}, clock=Clock())
    assert (
        public_jwk(resolver.verification_method_for(f"{did}#0", "assertionMethod").public_key)
        == jwk
    )


def test_default_resolver_refuses_unknown_methods() -> None:
    with pytest.raises(ValueError):
        default_resolver(fetcher=_no_fetch(), clock=Clock(), methods=("ion",))


def _no_fetch() -> Any:
    class NoFetch:
        def fetch(self, url: str, *, accept: str, max_bytes: int) -> Any:
            raise AssertionError("no network expected")

    return NoFetch()


def test_did_url_parsing() -> None:
    parsed = parse_did_url("did:example:123:a%20b/path/x?service=files#key-1")
    assert parsed.did == "did:example:123:a%20b"
    assert parsed.method == "example"
    assert parsed.path == "/path/x"
    assert parsed.query == "service=files"
    assert parsed.fragment == "key-1"
    assert str(parsed) == "did:example:123:a%20b/path/x?service=files#key-1"
    for bad in (
        "did:Example:1",
        "did:example:",
        "did::x",
        "did:example:a:",
        "urn:x:y",
        "did:ex:a b",
        "did:ex:%zz",
    ):
        with pytest.raises(MalformedError):
            parse_did_url(bad)


DID_URLS = st.one_of(
    st.text(max_size=120),
    st.builds(
        lambda method, msi, frag: f"did:{method}:{msi}{frag}",
        st.sampled_from(["key", "jwk", "web", "example", "KEY", ""]),
        st.text(alphabet="zZ6Mk0123456789abcdefxyz:._-%#/?", max_size=80),
        st.text(max_size=20).map(lambda s: "#" + s),
    ),
)


@settings(max_examples=200, deadline=None)
@given(did_url=DID_URLS, relationship=st.sampled_from(["assertionMethod", "authentication"]))
def test_random_did_urls_raise_library_errors_only(did_url: str, relationship: str) -> None:
    resolver = default_resolver(fetcher=_no_fetch(), clock=Clock(), methods=("key", "jwk"))
    with contextlib.suppress(CredentialError):
        resolver.verification_method_for(did_url, relationship)
