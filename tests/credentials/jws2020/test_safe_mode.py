"""JsonWebSignature2020 proofs never cover data that JSON-LD processing drops (safe mode).

Both flavours hash URDNA2015 N-Quads of the document, so an undefined term or a relative
IRI would not be signed. ``add_proof`` refuses such a document and ``verify`` reports
``unsafe_jsonld`` (never raises), in the Gaia-X and the specification flavour alike.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from credentials import jws2020
from credentials.data_integrity import AssertionMethodPurpose
from credentials.jsonld import UnsafeJsonLdError, canonicalize
from credentials.jws2020 import suite as jws2020_suite
from tests.credentials.jsonld.unsafe_cases import (
    CASE_IDS,
    CASES,
    CUSTOM,
    DEFINES_SIREN,
    LACKS_SIREN,
    Mutation,
)
from tests.credentials.jws2020.test_jws2020 import (
    NOW,
    REGISTRY,
    RESOLVER,
    SIGNERS,
    _codes,
    _credential,
    _verify,
)


def _sign(
    document: dict[str, Any], flavour: jws2020.Flavour = "gaia-x", registry: Any = REGISTRY
) -> dict[str, Any]:
    return jws2020.add_proof(
        document,
        signer=SIGNERS["RSA"],
        purpose=AssertionMethodPurpose(),
        registry=registry,
        created=NOW,
        flavour=flavour,
    )


@pytest.mark.parametrize("flavour", jws2020.FLAVOURS)
@pytest.mark.parametrize(("mutate", "named"), CASES, ids=CASE_IDS)
def test_add_proof_refuses_an_unsafe_document(
    mutate: Mutation, named: str, flavour: jws2020.Flavour
) -> None:
    document = _credential()
    mutate(document)
    with pytest.raises(UnsafeJsonLdError) as caught:
        _sign(document, flavour)
    assert caught.value.code == "unsafe_jsonld"
    assert named in caught.value.detail


@pytest.mark.parametrize("flavour", jws2020.FLAVOURS)
@pytest.mark.parametrize(("mutate", "named"), CASES, ids=CASE_IDS)
def test_verify_refuses_an_unsafe_document(
    mutate: Mutation, named: str, flavour: jws2020.Flavour, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed by an implementation without safe mode, so the signature itself matches."""
    document = _credential()
    mutate(document)
    with monkeypatch.context() as patch:
        patch.setattr(jws2020_suite, "canonicalize", functools.partial(canonicalize, safe=False))
        secured = _sign(document, flavour)
        assert _verify(secured).verified, "without safe mode the document verifies"
    result = _verify(secured)
    assert _codes(result) == ["unsafe_jsonld"]
    assert named in result.failed[0].detail


def test_changed_undefined_term_no_longer_verifies_in_gaia_x_flavour() -> None:
    secured = _sign(_credential())
    secured["credentialSubject"]["siren"] = "999999999"
    result = _verify(secured)
    assert _codes(result) == ["unsafe_jsonld"]
    assert "credentialSubject.siren" in result.failed[0].detail


def test_a_term_defined_in_a_swapped_context_is_refused() -> None:
    honest = REGISTRY.with_documents({CUSTOM: DEFINES_SIREN})
    swapped = REGISTRY.with_documents({CUSTOM: LACKS_SIREN})
    document = _credential()
    document["@context"].append(CUSTOM)
    document["credentialSubject"]["siren"] = "552100554"
    secured = _sign(document, registry=honest)
    assert jws2020.verify(
        secured,
        purpose=AssertionMethodPurpose(),
        resolver=RESOLVER,
        registry=honest,
        now=NOW,
    ).verified
    result = jws2020.verify(
        secured,
        purpose=AssertionMethodPurpose(),
        resolver=RESOLVER,
        registry=swapped,
        now=NOW,
    )
    assert _codes(result) == ["unsafe_jsonld"]
    with pytest.raises(UnsafeJsonLdError, match=r"credentialSubject\.siren"):
        _sign(document, registry=swapped)


def test_unsafe_proof_options_are_refused_in_the_specification_flavour() -> None:
    secured = _sign(_credential(), "specification")
    secured["proof"]["note"] = "not covered"
    result = _verify(secured, flavours=("specification",))
    assert _codes(result) == ["unsafe_jsonld"]
