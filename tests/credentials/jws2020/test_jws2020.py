"""JsonWebSignature2020: both flavours round-trip; RFC 7797 header rules; negatives."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credentials import jws2020
from credentials import multiformats as mf
from credentials.data_integrity import AssertionMethodPurpose, StaticResolver
from credentials.data_integrity.errors import MalformedProofError
from credentials.did.document import PublishedKey, build_did_document
from credentials.errors import MalformedError, SignatureError
from credentials.jsonld import ContextRegistry
from credentials.keys import (
    KeyType,
    SoftwareSigner,
    generate_private_key,
    multikey_to_public_key,
    public_jwk,
)
from credentials.result import VerificationResult

NOW = datetime(2026, 3, 1, tzinfo=UTC)
DID = "did:web:participant.example"
REGISTRY = ContextRegistry.standard()
KEYS = {kind: generate_private_key(kind) for kind in ("RSA", "P-256", "Ed25519")}
SIGNERS = {
    "RSA": SoftwareSigner(KEYS["RSA"], f"{DID}#rsa"),
    "P-256": SoftwareSigner(KEYS["P-256"], f"{DID}#p256"),
    "Ed25519": SoftwareSigner(KEYS["Ed25519"], f"{DID}#ed"),
}


def _controller(rsa_alg: str = "PS256") -> dict[str, Any]:
    keys = [
        PublishedKey("rsa", KEYS["RSA"].public_key(), ("assertionMethod",), {"alg": rsa_alg}),
        PublishedKey("p256", KEYS["P-256"].public_key(), ("assertionMethod",)),
        PublishedKey("ed", KEYS["Ed25519"].public_key(), ("authentication",)),
    ]
    document = build_did_document(DID, keys)
    for method in document["verificationMethod"]:
        if method["type"] == "Multikey":
            key = multikey_to_public_key(method.pop("publicKeyMultibase"))
            method.update(type="JsonWebKey2020", publicKeyJwk=public_jwk(key))
    return document


RESOLVER = StaticResolver([_controller()])


def _credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": "https://participant.example/credentials/1",
        "type": ["VerifiableCredential"],
        "issuer": DID,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "https://participant.example/#cs"},
    }


def _sign(kind: KeyType = "RSA", flavour: jws2020.Flavour = "gaia-x") -> dict[str, Any]:
    return jws2020.add_proof(
        _credential(),
        signer=SIGNERS[kind],
        purpose=AssertionMethodPurpose(),
        registry=REGISTRY,
        created=NOW - timedelta(hours=1),
        flavour=flavour,
    )


def _verify(document: Any, **kwargs: Any) -> VerificationResult:
    return jws2020.verify(
        document,
        purpose=kwargs.pop("purpose", AssertionMethodPurpose()),
        resolver=kwargs.pop("resolver", RESOLVER),
        registry=REGISTRY,
        now=NOW,
        **kwargs,
    )


def _codes(result: VerificationResult) -> list[str]:
    return [check.code for check in result.failed]


@pytest.mark.parametrize("flavour", jws2020.FLAVOURS)
@pytest.mark.parametrize("kind", ["RSA", "P-256"])
def test_round_trip(kind: KeyType, flavour: jws2020.Flavour) -> None:
    secured = _sign(kind, flavour)
    result = _verify(secured)
    assert result.verified, result.to_json()
    assert result.extra["flavour"] == flavour


def test_gaia_x_header_is_the_published_one() -> None:
    header = _sign()["proof"]["jws"].split(".")[0]
    assert header == "eyJhbGciOiJQUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19"


def test_gaia_x_payload_is_the_hex_sha256_of_the_nquads() -> None:
    nquads = jws2020.canonical_document(_credential(), REGISTRY)
    assert jws2020.gaia_x_payload(_credential(), REGISTRY) == (
        hashlib.sha256(nquads.encode()).hexdigest().encode()
    )


def test_tampered_document_fails() -> None:
    secured = _sign()
    secured["issuer"] = "did:web:other.example"
    assert _codes(_verify(secured)) == ["proof_verification"]


def test_specification_flavour_protects_the_proof_options() -> None:
    secured = _sign(flavour="specification")
    secured["proof"]["created"] = "2026-02-01T00:00:00Z"
    assert _codes(_verify(secured)) == ["proof_verification"]


def test_gaia_x_flavour_does_not_sign_the_proof_options() -> None:
    """Known property of the Gaia-X flavour (gaia-x.md §2.1): only the document is hashed."""
    secured = _sign()
    secured["proof"]["created"] = "2026-02-01T00:00:00Z"
    assert _verify(secured).verified


def test_restricting_to_one_flavour() -> None:
    secured = _sign(flavour="specification")
    assert _codes(_verify(secured, flavours=("gaia-x",))) == ["proof_verification"]


def _with_header(secured: dict[str, Any], header: bytes) -> dict[str, Any]:
    tampered = copy.deepcopy(secured)
    signature = tampered["proof"]["jws"].split("..")[1]
    tampered["proof"]["jws"] = f"{mf.b64url_encode(header)}..{signature}"
    return tampered


@pytest.mark.parametrize(
    "header",
    [
        b'{"alg":"PS256","b64":true,"crit":["b64"]}',
        b'{"alg":"PS256","b64":false}',
        b'{"alg":"PS256"}',
        b'{"alg":"PS256","b64":false,"crit":["b64","exp"]}',
        b"[]",
    ],
    ids=["b64-true", "no-crit", "encoded-payload", "unknown-crit", "not-object"],
)
def test_header_must_declare_unencoded_payload(header: bytes) -> None:
    assert _codes(_verify(_with_header(_sign(), header))) == ["malformed"]


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256"])
def test_algorithm_outside_the_allow_list_is_refused(alg: str) -> None:
    header = f'{{"alg":"{alg}","b64":false,"crit":["b64"]}}'.encode()
    assert _codes(_verify(_with_header(_sign(), header))) == ["signature"]


@pytest.mark.parametrize(
    "jws",
    ["a.b.c", "onlyone", 42, "x" * 9000],
    ids=["attached", "not-compact", "number", "huge"],
)
def test_jws_must_be_detached_compact(jws: object) -> None:
    secured = _sign()
    secured["proof"]["jws"] = jws
    assert _codes(_verify(secured)) == ["malformed"]


def test_key_declared_for_another_algorithm_is_refused() -> None:
    resolver = StaticResolver([_controller(rsa_alg="RS256")])
    assert _codes(_verify(_sign(), resolver=resolver)) == ["verification_method"]


def test_jws_alg_not_matching_the_key_fails() -> None:
    secured = _sign("P-256")
    secured["proof"]["verificationMethod"] = f"{DID}#rsa"
    assert _codes(_verify(secured)) == ["verification_method"]
    secured = _sign("RSA")
    secured["proof"]["verificationMethod"] = f"{DID}#p256"
    assert _codes(_verify(secured)) == ["proof_verification"]


def test_method_not_authorised_for_assertion_fails() -> None:
    secured = jws2020.add_proof(
        _credential(),
        signer=SoftwareSigner(KEYS["Ed25519"], f"{DID}#ed"),
        purpose=AssertionMethodPurpose(),
        registry=REGISTRY,
        created=NOW,
    )
    assert _codes(_verify(secured)) == ["proof_purpose"]


def test_wrong_proof_type_is_malformed() -> None:
    secured = _sign()
    secured["proof"]["type"] = "DataIntegrityProof"
    assert _codes(_verify(secured)) == ["malformed_proof"]


def test_unknown_context_is_refused() -> None:
    secured = _sign()
    secured["@context"].append("https://evil.example/ctx")
    assert _codes(_verify(secured)) == ["unknown_context"]


def test_signing_needs_the_jws_2020_context() -> None:
    document = _credential()
    document["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    with pytest.raises(MalformedProofError):
        jws2020.add_proof(
            document,
            signer=SIGNERS["RSA"],
            purpose=AssertionMethodPurpose(),
            registry=REGISTRY,
            created=NOW,
        )


def test_signing_with_an_algorithm_outside_jws2020_is_refused() -> None:
    signer = SoftwareSigner(KEYS["RSA"], f"{DID}#rsa", algorithm="RS256")
    with pytest.raises(SignatureError):
        jws2020.sign_detached(b"payload", signer)


def test_parse_detached_rejects_bad_base64() -> None:
    with pytest.raises(MalformedError):
        jws2020.parse_detached("!!!..AAAA")


@pytest.mark.parametrize("document", [[], "text", {"no": "proof"}], ids=repr)
def test_garbage_never_raises(document: Any) -> None:
    assert not _verify(document).verified
