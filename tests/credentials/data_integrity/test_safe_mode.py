"""Data Integrity proofs never cover data that JSON-LD processing drops (safe mode).

VC Data Integrity 1.0 §4.2 / §4.4 canonicalise with RDFC-1.0 after JSON-LD → RDF; what
expansion drops is not signed. Like jsonld-signatures, ``add_proof`` refuses to sign such a
document and ``verify`` refuses it (a failed ``unsafe_jsonld`` check, never an exception) —
even when its signature is otherwise correct.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from credentials.data_integrity import AssertionMethodPurpose, add_proof, verify
from credentials.data_integrity.suites import rdfc
from credentials.jsonld import ContextRegistry, UnsafeJsonLdError, canonicalize
from tests.credentials.data_integrity.test_proofs import (
    ED,
    NOW,
    REGISTRY,
    RESOLVER,
    _codes,
    _sign,
    _verify,
)
from tests.credentials.jsonld.unsafe_cases import (
    CASE_IDS,
    CASES,
    CUSTOM,
    DEFINES_SIREN,
    LACKS_SIREN,
    Mutation,
)

V2 = "https://www.w3.org/ns/credentials/v2"


def _company_credential() -> dict[str, Any]:
    """A VCDM 2.0 credential with only the v2 context, whose v2 copy has no ``@vocab``."""
    return {
        "@context": [V2],
        "id": "urn:uuid:5e0c1d2a-7b3f-4c8d-9e1f-2a3b4c5d6e7f",
        "type": ["VerifiableCredential"],
        "issuer": "did:web:issuer.example",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "ACME SAS"},
    }


def _lax_sign(document: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Sign as an implementation without safe mode would (dropping what it drops)."""
    with monkeypatch.context() as patch:
        patch.setattr(rdfc, "canonicalize", functools.partial(canonicalize, safe=False))
        return _sign(document=document)


@pytest.mark.parametrize(("mutate", "named"), CASES, ids=CASE_IDS)
def test_add_proof_refuses_an_unsafe_document(mutate: Mutation, named: str) -> None:
    document = _company_credential()
    mutate(document)
    with pytest.raises(UnsafeJsonLdError) as caught:
        _sign(document=document)
    assert caught.value.code == "unsafe_jsonld"
    assert named in caught.value.detail


@pytest.mark.parametrize(("mutate", "named"), CASES, ids=CASE_IDS)
def test_verify_refuses_an_unsafe_document_added_after_signing(
    mutate: Mutation, named: str
) -> None:
    secured = _sign(document=_company_credential())
    assert _verify(secured).verified
    mutate(secured)
    result = _verify(secured)
    assert _codes(result) == ["unsafe_jsonld"]
    assert named in result.failed[0].detail
    assert result.extra["proofs"][0]["code"] == "unsafe_jsonld"


@pytest.mark.parametrize(("mutate", "named"), CASES, ids=CASE_IDS)
def test_verify_refuses_an_unsafe_document_even_when_its_signature_matches(
    mutate: Mutation, named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _company_credential()
    mutate(document)
    secured = _lax_sign(document, monkeypatch)
    result = _verify(secured)
    assert _codes(result) == ["unsafe_jsonld"]
    assert named in result.failed[0].detail


def test_changed_siren_no_longer_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reported attack: a VCDM 2.0 credential (v2 context only) whose undefined
    ``credentialSubject.siren`` was changed still verified, because RDF never held it."""
    document = _company_credential()
    document["credentialSubject"]["siren"] = "552100554"
    secured = _lax_sign(document, monkeypatch)
    secured["credentialSubject"]["siren"] = "999999999"
    with monkeypatch.context() as patch:
        patch.setattr(rdfc, "canonicalize", functools.partial(canonicalize, safe=False))
        assert _verify(secured).verified, "without safe mode the forgery verifies"
    result = _verify(secured)
    assert not result.verified
    assert _codes(result) == ["unsafe_jsonld"]
    assert "credentialSubject.siren" in result.failed[0].detail


def test_a_term_defined_in_a_swapped_context_is_refused() -> None:
    """Signed with a context that defines ``siren``; verified where the same URL serves a
    context that does not: the term would be dropped, so it is refused, not ignored."""
    honest = REGISTRY.with_documents({CUSTOM: DEFINES_SIREN})
    swapped = REGISTRY.with_documents({CUSTOM: LACKS_SIREN})
    document = _company_credential()
    document["@context"].append(CUSTOM)
    document["credentialSubject"]["siren"] = "552100554"
    secured = _sign(document=document, registry=honest)
    assert _verify(secured, registry=honest).verified
    result = _verify(secured, registry=swapped)
    assert _codes(result) == ["unsafe_jsonld"]
    assert "credentialSubject.siren" in result.failed[0].detail
    with pytest.raises(UnsafeJsonLdError, match=r"credentialSubject\.siren"):
        _sign(document=document, registry=swapped)


def test_unsafe_proof_options_are_refused() -> None:
    """The proof configuration is canonicalised in safe mode too (VC-DI §4.2 step 6)."""
    secured = _sign(document=_company_credential())
    secured["proof"]["note"] = "not covered"
    result = _verify(secured)
    assert _codes(result) == ["unsafe_jsonld"]
    assert "'note'" in result.failed[0].detail


def test_verify_never_raises_on_unsafe_input() -> None:
    document = _company_credential()
    document["credentialSubject"]["siren"] = "552100554"
    document["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": "did:web:issuer.example#ed",
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a",
    }
    result = verify(
        document,
        purpose=AssertionMethodPurpose(),
        resolver=RESOLVER,
        registry=REGISTRY,
        now=NOW,
    )
    assert _codes(result) == ["unsafe_jsonld"]


def test_the_standard_registry_v2_context_has_no_vocab() -> None:
    """Why the report's credential lost ``siren``: the published v2 context (REC) has no
    ``@vocab``, so every term outside it must come from another context."""
    assert "@vocab" not in ContextRegistry.standard().load(V2)["@context"]


def test_a_safe_credential_still_signs_and_verifies() -> None:
    document = _company_credential()
    secured = add_proof(
        document,
        suite=rdfc.EDDSA_RDFC_2022,
        purpose=AssertionMethodPurpose(),
        signer=ED,
        registry=REGISTRY,
        created=NOW,
    )
    assert _verify(secured).verified
