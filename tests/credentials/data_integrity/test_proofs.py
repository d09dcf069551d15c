"""Data Integrity proofs: one negative test per MUST, next to the positive case.

VC Data Integrity 1.0 §4.4 Verify Proof and the W3C data-integrity test suite
(``suites/verify.js``): a verifier MUST reject a missing/invalid ``type``, unknown
``cryptosuite``, ``proofValue`` that is not multibase, wrong ``proofPurpose``, a ``domain``
or ``challenge`` mismatch, and a proof whose signature does not cover the document.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credentials.data_integrity import (
    ECDSA_RDFC_2019,
    EDDSA_RDFC_2022,
    AssertionMethodPurpose,
    AuthenticationPurpose,
    StaticResolver,
    add_proof,
    verify,
)
from credentials.data_integrity.errors import ProofGenerationError, VerificationMethodError
from credentials.data_integrity.suites import RdfcCryptosuite
from credentials.did.document import PublishedKey, build_did_document
from credentials.jsonld import CanonicalizationLimitError, ContextRegistry
from credentials.keys import SoftwareSigner, generate_private_key
from credentials.result import VerificationResult

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISSUER = "did:web:issuer.example"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
CUSTOM = "https://contexts.example/alumni/v1"

ED_KEY = generate_private_key("Ed25519")
P384_KEY = generate_private_key("P-384")
ED = SoftwareSigner(ED_KEY, f"{ISSUER}#ed")
P384 = SoftwareSigner(P384_KEY, f"{ISSUER}#p384")
OTHER_KEY = generate_private_key("Ed25519")
OTHER = SoftwareSigner(OTHER_KEY, f"{ISSUER}#other")


def _controller(**relationships: tuple[str, ...]) -> dict[str, Any]:
    keys = [
        PublishedKey("ed", ED_KEY.public_key(), relationships.get("ed", ("assertionMethod",))),
        PublishedKey("p384", P384_KEY.public_key(), ("assertionMethod", "authentication")),
        PublishedKey("other", OTHER_KEY.public_key(), relationships.get("other", ())),
    ]
    return build_did_document(ISSUER, keys)


RESOLVER = StaticResolver([_controller(ed=("assertionMethod", "authentication"))])
REGISTRY = ContextRegistry.standard()


def _credential() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", EXAMPLES],
        "id": "urn:uuid:0b0f5a1c-54d2-4d3e-8a0b-6d8f0c2f4a11",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "Camille Martin"},
    }


def _sign(
    signer: SoftwareSigner = ED,
    suite: RdfcCryptosuite = EDDSA_RDFC_2022,
    document: dict[str, Any] | None = None,
    purpose: Any = None,
    registry: ContextRegistry = REGISTRY,
    **kwargs: Any,
) -> dict[str, Any]:
    return add_proof(
        document if document is not None else _credential(),
        suite=suite,
        purpose=purpose or AssertionMethodPurpose(),
        signer=signer,
        registry=registry,
        created=kwargs.pop("created", NOW - timedelta(hours=1)),
        **kwargs,
    )


def _verify(
    document: Any,
    purpose: Any = None,
    resolver: Any = RESOLVER,
    registry: ContextRegistry = REGISTRY,
    now: datetime = NOW,
) -> VerificationResult:
    return verify(
        document,
        purpose=purpose or AssertionMethodPurpose(),
        resolver=resolver,
        registry=registry,
        now=now,
    )


def _codes(result: VerificationResult) -> list[str]:
    return [check.code for check in result.failed]


@pytest.mark.parametrize(
    ("signer", "suite"),
    [(ED, EDDSA_RDFC_2022), (P384, ECDSA_RDFC_2019)],
    ids=["eddsa-rdfc-2022", "ecdsa-rdfc-2019-p384"],
)
def test_sign_then_verify(signer: SoftwareSigner, suite: RdfcCryptosuite) -> None:
    secured = _sign(signer, suite)
    assert secured["proof"]["proofValue"].startswith("z")
    assert secured["proof"]["created"] == "2026-03-01T11:00:00Z"
    result = _verify(secured)
    assert result.verified, result.to_json()
    assert result.issuer == ISSUER


def test_tampered_document_fails() -> None:
    secured = _sign()
    secured["credentialSubject"]["name"] = "Someone Else"
    assert _codes(_verify(secured)) == ["proof_verification"]


def test_tampered_proof_options_fail() -> None:
    secured = _sign()
    secured["proof"]["created"] = "2026-03-01T10:00:00Z"
    assert _codes(_verify(secured)) == ["proof_verification"]


def test_proof_signed_for_authentication_does_not_pass_as_assertion() -> None:
    secured = _sign(purpose=AuthenticationPurpose(challenge="c-123", domain="v.example"))
    result = _verify(secured)
    assert _codes(result) == ["proof_purpose"]
    assert result.extra["proofs"][0]["code"] == "skipped"


def test_authentication_with_challenge_and_domain() -> None:
    purpose = AuthenticationPurpose(challenge="c-123", domain="verifier.example")
    secured = _sign(purpose=purpose)
    assert secured["proof"]["challenge"] == "c-123"
    assert _verify(secured, purpose=purpose).verified


def test_wrong_challenge_fails() -> None:
    secured = _sign(purpose=AuthenticationPurpose(challenge="c-123", domain="v.example"))
    result = _verify(secured, purpose=AuthenticationPurpose(challenge="c-456", domain="v.example"))
    assert _codes(result) == ["invalid_challenge"]


def test_wrong_domain_fails() -> None:
    secured = _sign(purpose=AuthenticationPurpose(challenge="c-123", domain="v.example"))
    result = _verify(secured, purpose=AuthenticationPurpose(challenge="c-123", domain="x.example"))
    assert _codes(result) == ["invalid_domain"]


def test_authentication_purpose_requires_a_challenge() -> None:
    with pytest.raises(ProofGenerationError):
        AuthenticationPurpose(challenge="")


@pytest.mark.parametrize(
    "proof_value",
    ["uAAAA", "not-multibase", "z0OIl", "", 42, None],
    ids=["base64url", "no-prefix", "bad-base58", "empty", "number", "null"],
)
def test_proof_value_must_be_base58btc_multibase(proof_value: object) -> None:
    secured = _sign()
    secured["proof"]["proofValue"] = proof_value
    assert _codes(_verify(secured)) == ["malformed_proof"]


def test_missing_proof_value_is_malformed() -> None:
    secured = _sign()
    del secured["proof"]["proofValue"]
    assert _codes(_verify(secured)) == ["malformed_proof"]


def test_unknown_cryptosuite_is_refused() -> None:
    secured = _sign()
    secured["proof"]["cryptosuite"] = "eddsa-jcs-2022"
    assert _codes(_verify(secured)) == ["unknown_cryptosuite"]


@pytest.mark.parametrize("proof_type", ["Ed25519Signature2020", None, ["DataIntegrityProof"]])
def test_unknown_proof_type_is_refused(proof_type: object) -> None:
    secured = _sign()
    secured["proof"]["type"] = proof_type
    assert _codes(_verify(secured)) == ["malformed_proof"]


def test_cryptosuite_that_does_not_fit_the_key_is_refused() -> None:
    secured = _sign()
    secured["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert _codes(_verify(secured)) == ["verification_method"]


def test_signing_with_a_key_the_suite_does_not_use_is_refused() -> None:
    with pytest.raises(VerificationMethodError):
        _sign(signer=P384, suite=EDDSA_RDFC_2022)


def test_expired_proof_fails() -> None:
    secured = _sign(created=NOW - timedelta(days=10), expires=NOW - timedelta(days=1))
    assert _codes(_verify(secured)) == ["proof_expired"]
    assert _verify(secured, now=NOW - timedelta(days=2)).verified


def test_proof_created_in_the_future_fails() -> None:
    secured = _sign(created=NOW + timedelta(hours=1))
    assert _codes(_verify(secured)) == ["proof_not_yet_valid"]


def test_created_must_be_a_datetime() -> None:
    secured = _sign()
    secured["proof"]["created"] = "yesterday"
    assert _codes(_verify(secured)) == ["malformed_proof"]


def test_created_without_offset_is_read_as_utc() -> None:
    secured = _sign(created=None)
    secured["proof"].pop("created", None)
    assert _verify(secured).verified


def test_method_not_listed_under_assertion_method_fails() -> None:
    secured = _sign(signer=OTHER)
    assert _codes(_verify(secured)) == ["proof_purpose"]


def test_method_authorised_for_authentication_only_fails_for_assertion() -> None:
    resolver = StaticResolver([_controller(ed=("authentication",))])
    assert _codes(_verify(_sign(), resolver=resolver)) == ["proof_purpose"]


def test_method_whose_controller_differs_fails() -> None:
    controller = _controller(ed=("assertionMethod",))
    controller["verificationMethod"][0]["controller"] = "did:web:someone-else.example"
    result = _verify(_sign(), resolver=StaticResolver([controller]))
    assert _codes(result) == ["verification_method"]


def test_unresolvable_method_fails() -> None:
    assert _codes(_verify(_sign(), resolver=StaticResolver([]))) == ["verification_method"]


def test_proof_context_must_prefix_the_document_context() -> None:
    secured = _sign()
    secured["proof"]["@context"] = [EXAMPLES]
    assert _codes(_verify(secured)) == ["malformed_proof"]


def test_proof_context_equal_to_document_context_verifies() -> None:
    secured = _sign()
    secured["proof"]["@context"] = list(secured["@context"])
    assert _verify(secured).verified


def test_document_without_proof_fails() -> None:
    assert _codes(_verify(_credential())) == ["malformed_proof"]


def test_proof_chains_are_reported_unsupported() -> None:
    secured = _sign()
    secured["proof"]["previousProof"] = "urn:proof:1"
    assert _codes(_verify(secured)) == ["malformed_proof"]


@pytest.mark.parametrize("document", [[], "text", 42, {"proof": "x"}], ids=repr)
def test_garbage_never_raises(document: Any) -> None:
    assert not _verify(document).verified


def test_unknown_context_in_secured_document_fails() -> None:
    secured = _sign()
    secured["@context"].append("https://evil.example/ctx")
    assert _codes(_verify(secured)) == ["unknown_context"]


def test_swapped_context_breaks_the_signature() -> None:
    """A context with the same terms mapped to other IRIs changes the canonical form."""
    honest = REGISTRY.with_documents({CUSTOM: {"@context": {"nick": "https://a.example/nick"}}})
    swapped = REGISTRY.with_documents({CUSTOM: {"@context": {"nick": "https://b.example/nick"}}})
    document = _credential()
    document["@context"].append(CUSTOM)
    document["credentialSubject"]["nick"] = "cam"
    secured = _sign(document=document, registry=honest)
    assert _verify(secured, registry=honest).verified
    assert _codes(_verify(secured, registry=swapped)) == ["proof_verification"]


def test_canonicalisation_bomb_is_refused_in_the_result() -> None:
    document = _credential()
    nodes = [f"_:n{i}" for i in range(12)]
    document["credentialSubject"]["knows"] = [
        {"id": node, "knows": [{"id": other} for other in nodes if other != node]} for node in nodes
    ]
    document["@context"].append({"knows": {"@id": "https://a.example/knows", "@type": "@id"}})
    with pytest.raises(CanonicalizationLimitError):
        _sign(document=document)
    secured = _sign()
    secured["credentialSubject"]["knows"] = document["credentialSubject"]["knows"]
    secured["@context"] = document["@context"]
    assert _codes(_verify(secured)) == ["canonicalization_limit"]


def test_oversized_input_is_refused_in_the_result() -> None:
    secured = _sign()
    secured["credentialSubject"]["blob"] = "x" * 600_000
    assert _codes(_verify(secured)) == ["input_too_large"]


def test_proof_set_every_proof_is_verified() -> None:
    secured = _sign(document=_sign(), signer=P384, suite=ECDSA_RDFC_2019)
    assert isinstance(secured["proof"], list)
    assert len(secured["proof"]) == 2
    result = _verify(secured)
    assert result.verified, result.to_json()
    assert [p["verified"] for p in result.extra["proofs"]] == [True, True]


def test_proof_set_with_one_bad_proof_fails_and_says_which() -> None:
    secured = _sign(document=_sign(), signer=P384, suite=ECDSA_RDFC_2019)
    tampered = copy.deepcopy(secured)
    tampered["proof"][0]["created"] = "2020-01-01T00:00:00Z"
    result = _verify(tampered)
    assert not result.verified
    assert [p["verified"] for p in result.extra["proofs"]] == [False, True]


def test_suite_context_is_added_to_a_v1_document() -> None:
    document = _credential()
    document["@context"] = ["https://www.w3.org/2018/credentials/v1", EXAMPLES]
    document["issuanceDate"] = document.pop("validFrom")
    secured = _sign(document=document)
    assert secured["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert _verify(secured).verified


def test_canonicalization_limit_error_code() -> None:
    assert CanonicalizationLimitError("x").code == "canonicalization_limit"
