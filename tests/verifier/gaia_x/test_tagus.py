"""Tagus (22.10) presentations: generated ones conform to the trustframework shapes and
pass the compliance business rules; the compliance service's own fixtures verify where their
keys are offline; negatives for each rule."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization

from credentials import multiformats as mf
from credentials.jsonld import ContextRegistry
from credentials.keys import public_jwk
from credentials.result import VerificationResult
from issuer.gaia_x import build_tagus_bundle
from issuer.gaia_x.identifiers import CredentialIds
from issuer.gaia_x.tagus import sign_tagus_credentials, tagus_credentials, tagus_presentation
from tests.issuer.gaia_x.helpers import NOW, Deployment, FakeResolver, deployment, paris_facts
from verifier.gaia_x import ChainPolicy, GaiaXShapes, GaiaXVerifyOptions, verify_gaia_x_presentation

pytestmark = pytest.mark.shared

NOTARY = "did:web:registration.lab.gaia-x.eu:v1"


def _verify(
    vp: dict[str, Any],
    resolver: Any,
    shapes: GaiaXShapes,
    registry: ContextRegistry,
    codes: frozenset[str],
    **options: Any,
) -> VerificationResult:
    return verify_gaia_x_presentation(
        vp,
        resolver=resolver,
        registry=registry,
        shapes=shapes,
        now=NOW,
        options=GaiaXVerifyOptions(subdivision_codes=codes, **options),
    )


def _deployment_options(dep: Deployment) -> dict[str, Any]:
    return {"fetcher": dep.fetcher, "chain_policy": ChainPolicy(accept_dev_chains=True)}


def _failed(result: VerificationResult) -> set[str]:
    return {check.code for check in result.failed}


def _signed_vp(dep: Deployment, registry: ContextRegistry, **edits: Any) -> dict[str, Any]:
    unsigned = tagus_credentials(
        paris_facts(edits.pop("subdivision", "FR-75C")),
        ids=CredentialIds.for_participant(dep.config.base_url, "552081317"),
        issuer=dep.config.issuer_did,
        issued=NOW,
        **edits,
    )
    return tagus_presentation(
        sign_tagus_credentials(unsigned, dep.signer, registry=registry, created=NOW)
    )


def test_generated_tagus_presentation_verifies(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    bundle = build_tagus_bundle(
        paris_facts(), signer=dep.signer, config=dep.config, registry=registry, now=NOW
    )
    participant = bundle.credentials.legal_participant["credentialSubject"]
    lrn = bundle.credentials.registration_number["credentialSubject"]
    assert participant["gx:legalRegistrationNumber"]["id"] == lrn["id"]
    assert participant["gx:legalAddress"]["gx:countrySubdivisionCode"] == "FR-IDF"
    result = _verify(
        bundle.presentation,
        dep.resolver,
        shapes,
        registry,
        subdivision_codes,
        **_deployment_options(dep),
    )
    assert result.verified, [c.to_json() for c in result.failed]
    assert {c.detail for c in result.checks if c.code == "signature"} >= {
        "verifiableCredential[1]: JsonWebSignature2020 (gaia-x flavour)"
    }


def test_fr_75_is_refused(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    vp = _signed_vp(dep, registry, subdivision="FR-75")
    result = _verify(
        vp, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert _failed(result) == {"subdivision_code"}
    assert any("'FR-75'" in c.detail for c in result.failed)


def test_fr_75c_passes_the_list_but_not_the_tagus_shape_pattern(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    """Why the issuer writes Paris as FR-IDF in Tagus: FR-75C is in the compliance ISO
    3166-2 list, but gx:PostalAddressShape's pattern has no digits-then-letter form."""
    dep = deployment()
    ids = CredentialIds.for_participant(dep.config.base_url, "552081317")
    unsigned = tagus_credentials(paris_facts(), ids=ids, issuer=dep.config.issuer_did, issued=NOW)
    for name in ("gx:legalAddress", "gx:headquarterAddress"):
        unsigned.legal_participant["credentialSubject"][name]["gx:countrySubdivisionCode"] = (
            "FR-75C"
        )
    vp = tagus_presentation(
        sign_tagus_credentials(unsigned, dep.signer, registry=registry, created=NOW)
    )
    result = _verify(
        vp, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert _failed(result) == {"shacl"}
    assert any(
        c.code == "subdivision_code" and "FR-75C" in c.detail for c in result.checks if c.passed
    )


def test_wrong_terms_and_conditions_text_is_refused(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    from issuer.gaia_x.vocabulary import TAGUS_TERMS_AND_CONDITIONS

    dep = deployment()
    altered = TAGUS_TERMS_AND_CONDITIONS.replace("\n\n", "\n")
    vp = _signed_vp(dep, registry, terms_and_conditions=altered)
    result = _verify(
        vp, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert _failed(result) == {"shacl", "terms_and_conditions"}


def test_missing_terms_and_conditions_credential_is_refused(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    vp = _signed_vp(dep, registry)
    vp["verifiableCredential"] = vp["verifiableCredential"][:2]
    result = _verify(
        vp, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert _failed(result) == {"terms_and_conditions"}


def test_broken_join_is_refused(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    ids = CredentialIds.for_participant(dep.config.base_url, "552081317")
    unsigned = tagus_credentials(paris_facts(), ids=ids, issuer=dep.config.issuer_did, issued=NOW)
    unsigned.legal_participant["credentialSubject"]["gx:legalRegistrationNumber"] = {
        "id": "https://elsewhere.example/lrn.json"
    }
    vp = tagus_presentation(
        sign_tagus_credentials(unsigned, dep.signer, registry=registry, created=NOW)
    )
    result = _verify(
        vp, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert _failed(result) == {"shacl", "registration_join"}


def test_tampered_credential_is_refused(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    vp = _signed_vp(dep, registry)
    vp["verifiableCredential"][1]["credentialSubject"]["gx:legalName"] = "AUTRE SAS"
    result = _verify(
        vp, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert any(c.code == "signature" and "[1]" in c.detail for c in result.failed)


def test_compliance_credential_integrity(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    """``gx:integrity`` = sha256 of the JCS of each input credential, proof included."""
    dep = deployment()
    vp = _signed_vp(dep, registry)
    compliance_subjects = [
        {
            "type": "gx:compliance",
            "id": vc["id"],
            "gx:integrity": "sha256-" + hashlib.sha256(rfc8785.dumps(vc)).hexdigest(),
            "gx:integrityNormalization": "RFC8785:JCS",
            "gx:version": "22.10",
        }
        for vc in vp["verifiableCredential"]
    ]
    compliance = {
        "@context": vp["verifiableCredential"][1]["@context"],
        "type": ["VerifiableCredential"],
        "id": "https://attestia.example.fr/compliance/1",
        "issuer": dep.config.issuer_did,
        "issuanceDate": "2026-03-02T10:00:00Z",
        "credentialSubject": compliance_subjects,
    }
    from credentials import jws2020
    from credentials.data_integrity import AssertionMethodPurpose

    signed = jws2020.add_proof(
        compliance,
        signer=dep.signer,
        purpose=AssertionMethodPurpose(),
        registry=registry,
        created=NOW,
    )
    good = {**vp, "verifiableCredential": [*vp["verifiableCredential"], signed]}
    result = _verify(
        good, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert result.verified, [c.to_json() for c in result.failed]
    assert len([c for c in result.checks if c.code == "compliance_integrity"]) == 3
    altered = copy.deepcopy(vp["verifiableCredential"])
    altered[2]["proof"]["created"] = "2026-03-02T10:00:01Z"
    bad = {**vp, "verifiableCredential": [*altered, signed]}
    result = _verify(
        bad, dep.resolver, shapes, registry, subdivision_codes, **_deployment_options(dep)
    )
    assert "compliance_integrity" in _failed(result)


# The compliance service's fixtures (v2.1.0) -----------------------------------------------


def _fixture(shared: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (shared / "gaia-x" / "tagus" / "fixtures" / name).read_text("utf-8")
    )
    return data


def _wizard_document(did: str) -> dict[str, Any]:
    """The Gaia-X Lab wizard's DIDs end with base58(PEM public key): resolvable offline."""
    key = serialization.load_pem_public_key(mf.b58decode(did.rsplit(":", 1)[1]))
    method_id = f"{did}#JWK2020"
    return {
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "JsonWebKey2020",
                "controller": did,
                "publicKeyJwk": {**public_jwk(key), "alg": "PS256"},  # type: ignore[arg-type]
            }
        ],
        "assertionMethod": [method_id],
    }


def _fixture_resolver(vp: dict[str, Any]) -> FakeResolver:
    dids = {vc["issuer"] for vc in vp["verifiableCredential"] if "wizard.lab" in vc["issuer"]}
    return FakeResolver({did: _wizard_document(did) for did in dids})


def test_compliance_fixture_verifies_where_keys_are_offline(
    shared: Path, shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    """Participant and T&C verify (wizard keys); the notary's key is only published online,
    so its credential is unverified and left out of the content checks, which then miss the
    registration number. The wizard keys carry no x5u, so the x5u rule is off here."""
    vp = _fixture(shared, "participant-vp.json")
    result = _verify(
        vp,
        _fixture_resolver(vp),
        shapes,
        registry,
        subdivision_codes,
        require_x5u=False,
        exempt_issuers=frozenset({NOTARY}),
    )
    passed = {(c.code, c.detail) for c in result.checks if c.passed}
    assert ("signature", "verifiableCredential[1]: JsonWebSignature2020 (gaia-x flavour)") in passed
    assert ("signature", "verifiableCredential[2]: JsonWebSignature2020 (gaia-x flavour)") in passed
    assert {"terms_and_conditions", "subdivision_code", "did_resolution"} <= {c for c, _ in passed}
    assert _failed(result) == {"signature", "shacl", "registration_join"}
    signature_failures = [c.detail for c in result.failed if c.code == "signature"]
    assert signature_failures == [
        "verifiableCredential[0]: could not resolve did:web:registration.lab.gaia-x.eu:v1"
    ]
    assert all("legalRegistrationNumber" in c.detail for c in result.failed if c.code == "shacl")


def test_compliance_fixture_content_conforms_and_passes_the_rules(
    shared: Path, shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    """All three credentials' content (signatures aside): SHACL on the merged subject graph
    and every business rule pass, as at the compliance service."""
    from credentials.result import VerificationResult as Result
    from verifier.gaia_x import rules
    from verifier.gaia_x.shacl import subjects_graph, validate

    credentials = _fixture(shared, "participant-vp.json")["verifiableCredential"]
    assert shapes.tagus is not None
    report = validate(subjects_graph(credentials, registry), shapes.tagus)
    assert report.conforms, report.violations
    result = Result(format="test")
    rules.terms_and_conditions(
        result,
        credentials,
        flavour="tagus",
        tagus_text=GaiaXVerifyOptions().tagus_terms_and_conditions,
        loire_hashes=frozenset(),
        exempt_issuers=frozenset({NOTARY}),
    )
    rules.subdivision_codes(result, credentials, flavour="tagus", codes=subdivision_codes)
    rules.registration_join(result, credentials, flavour="tagus")
    assert result.verified, [c.to_json() for c in result.failed]


@pytest.mark.parametrize(
    "name", ["participant-vp-faulty.json", "participant-vp-faulty-missing-proof.json"]
)
def test_faulty_compliance_fixtures_fail(
    name: str,
    shared: Path,
    shapes: GaiaXShapes,
    registry: ContextRegistry,
    subdivision_codes: frozenset[str],
) -> None:
    vp = _fixture(shared, name)
    result = _verify(
        vp, _fixture_resolver(vp), shapes, registry, subdivision_codes, require_x5u=False
    )
    assert not result.verified
