"""The deployment's DID document: shape, relationships, and it resolves its own keys."""

from __future__ import annotations

import pytest

from attestia.services import Services
from credentials.did.document import build_did_document
from credentials.did.web import did_web_document_path, did_web_from_url, did_web_to_url
from credentials.errors import MalformedError
from credentials.keys import multikey_to_public_key, public_key_from_jwk, verify_raw


@pytest.mark.parametrize(
    ("base_url", "did", "location"),
    [
        (
            "http://127.0.0.1:8000",
            "did:web:127.0.0.1%3A8000",
            "https://127.0.0.1:8000/.well-known/did.json",
        ),
        (
            "https://attestia.example.fr",
            "did:web:attestia.example.fr",
            "https://attestia.example.fr/.well-known/did.json",
        ),
        (
            "https://example.fr/attestia/v1",
            "did:web:example.fr:attestia:v1",
            "https://example.fr/attestia/v1/did.json",
        ),
    ],
)
def test_did_web_from_base_url(base_url: str, did: str, location: str) -> None:
    assert did_web_from_url(base_url) == did
    assert did_web_to_url(did) == location


@pytest.mark.parametrize(
    "bad", ["did:key:z6Mk", "did:web:", "did:web:a::b", "did:web:a%2Fb", "did:web:x#frag"]
)
def test_malformed_did_web_refused(bad: str) -> None:
    with pytest.raises(MalformedError):
        did_web_to_url(bad)


def test_path_based_document_location() -> None:
    assert did_web_document_path("did:web:example.fr:attestia") == "/attestia/did.json"


def test_document_lists_every_key_with_relationships(services: Services) -> None:
    document = build_did_document(services.did, services.keys.published_keys())
    assert document["id"] == services.did
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    methods = {vm["id"]: vm for vm in document["verificationMethod"]}
    assert len(methods) == len(services.keys.list_keys())
    for vm_id, vm in methods.items():
        assert vm["controller"] == services.did
        assert vm_id in document["assertionMethod"]
        assert vm_id in document["authentication"]
        if vm["type"] == "Multikey":
            assert vm["publicKeyMultibase"].startswith("z")
        else:
            assert vm["type"] == "JsonWebKey2020"
            assert vm["publicKeyJwk"]["kty"] == "RSA"
            assert "d" not in vm["publicKeyJwk"]


@pytest.mark.parametrize(
    ("purpose", "key_type"), [("issuer", "Ed25519"), ("issuer", "P-256"), ("issuer", "RSA")]
)
def test_document_resolves_its_own_keys(services: Services, purpose: str, key_type: str) -> None:
    signer = services.keys.signer(purpose, key_type)  # type: ignore[arg-type]
    document = build_did_document(services.did, services.keys.published_keys())
    vm = next(vm for vm in document["verificationMethod"] if vm["id"] == signer.kid)
    if "publicKeyMultibase" in vm:
        public = multikey_to_public_key(vm["publicKeyMultibase"])
    else:
        public = public_key_from_jwk(vm["publicKeyJwk"])
    assert verify_raw(public, signer.algorithm, b"hello", signer.sign(b"hello"))


def test_retired_keys_stay_in_the_document(services: Services) -> None:
    old = services.keys.signer("registry", "P-256")
    services.keys.rotate("registry")
    document = build_did_document(services.did, services.keys.published_keys())
    ids = {vm["id"] for vm in document["verificationMethod"]}
    assert old.kid in ids
    assert services.keys.signer("registry", "P-256").kid in ids
