"""Conformance: the W3C Data Integrity test vectors, one generated test per vector folder.

eddsa-rdfc-2022 (VC-DI-EdDSA 1.0 ``TestVectors/``): Ed25519 is deterministic, so canonical
forms, hashes and ``proofValue`` must all be reproduced byte for byte. ecdsa-rdfc-2019
(VC-DI-ECDSA 1.0 ``TestVectors/``, P-256 and P-384, base and ``employ/``): canonical forms and
hashes are exact; ECDSA signatures are randomised, so the signed example must verify and so
must a proof we create with the vector key.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credentials.data_integrity import (
    AssertionMethodPurpose,
    StaticResolver,
    add_proof,
    verify,
)
from credentials.data_integrity.suites import DEFAULT_SUITES, RdfcCryptosuite
from credentials.data_integrity.suites.rdfc import decode_proof_value
from credentials.jsonld.canonicalization import HashName
from tests.credentials.data_integrity.vectors import (
    CASES,
    VectorCase,
    controller_document,
    registry_for,
    signer_for,
)

pytestmark = pytest.mark.shared

NOW = datetime(2024, 1, 1, tzinfo=UTC)
CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES]


def _hash_name(case: VectorCase) -> HashName:
    return "sha384" if case.key_type == "P-384" else "sha256"


def _suite(case: VectorCase) -> RdfcCryptosuite:
    return DEFAULT_SUITES["eddsa-rdfc-2022" if case.key_type == "Ed25519" else "ecdsa-rdfc-2019"]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_canonical_document_and_hash(case: VectorCase, shared: Path) -> None:
    registry = registry_for(shared)
    signed = case.json(shared, "signed")
    del signed["proof"]
    canonical = _suite(case).canonical_document(signed, registry, _hash_name(case))
    assert canonical == case.text(shared, "canonDoc")
    digest = getattr(hashlib, _hash_name(case))(canonical.encode()).hexdigest()
    assert digest == case.text(shared, "docHash").strip()


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_canonical_proof_config_and_combined_hash(case: VectorCase, shared: Path) -> None:
    registry = registry_for(shared)
    config = case.json(shared, "proofConfig")
    context = config.pop("@context")
    suite = _suite(case)
    hash_name = _hash_name(case)
    canonical = suite.canonical_proof_config(config, context, registry, hash_name)
    assert canonical == case.text(shared, "proofCanon")
    signed = case.json(shared, "signed")
    del signed["proof"]
    combined = suite.hash_data(
        canonical, suite.canonical_document(signed, registry, hash_name), hash_name
    )
    half = len(combined) // 2
    assert combined[:half].hex() == case.text(shared, "proofHash").strip()
    assert combined.hex() == case.text(shared, "combinedHash").strip()


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_signed_example_verifies(case: VectorCase, shared: Path) -> None:
    signed = case.json(shared, "signed")
    method = signed["proof"]["verificationMethod"]
    resolver = StaticResolver(
        [controller_document(method, case.key_pair(shared)["publicKeyMultibase"])]
    )
    result = verify(
        signed,
        purpose=AssertionMethodPurpose(),
        resolver=resolver,
        registry=registry_for(shared),
        now=NOW,
    )
    assert result.verified, result.to_json()
    assert result.extra["proofs"][0]["verified"] is True


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_signature_hex_matches_proof_value(case: VectorCase, shared: Path) -> None:
    proof_value = case.json(shared, "signed")["proof"]["proofValue"]
    assert proof_value == case.text(shared, "sigBTC58").strip()
    assert decode_proof_value(proof_value).hex() == case.text(shared, "sigHex").strip()


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_add_proof_with_vector_key(case: VectorCase, shared: Path) -> None:
    config = case.json(shared, "proofConfig")
    signer = signer_for(case, shared, config["verificationMethod"])
    registry = registry_for(shared)
    secured = add_proof(
        case.unsigned(shared),
        suite=_suite(case),
        purpose=AssertionMethodPurpose(),
        signer=signer,
        registry=registry,
        created=datetime.fromisoformat(config["created"]),
    )
    expected = case.json(shared, "signed")
    if case.key_type == "Ed25519":
        assert secured == expected
    else:
        assert {k: v for k, v in secured["proof"].items() if k != "proofValue"} == {
            k: v for k, v in expected["proof"].items() if k != "proofValue"
        }
    resolver = StaticResolver(
        [controller_document(signer.kid, case.key_pair(shared)["publicKeyMultibase"])]
    )
    result = verify(
        secured,
        purpose=AssertionMethodPurpose(),
        resolver=resolver,
        registry=registry,
        now=NOW,
    )
    assert result.verified, result.to_json()
