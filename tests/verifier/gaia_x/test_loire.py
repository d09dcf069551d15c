"""Loire VP-JWTs built by the issuer conform to the official 25.11 shapes and pass the rules;
each MUST the verifier enforces has its negative case next to it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from credentials.jsonld import ContextRegistry
from credentials.result import VerificationResult
from issuer.gaia_x import build_loire_bundle
from issuer.gaia_x.facts import ParticipantFacts
from issuer.gaia_x.identifiers import CredentialIds
from issuer.gaia_x.loire import loire_credentials, loire_presentation, sign_loire_credentials
from tests.issuer.gaia_x.helpers import NOW, Deployment, deployment, other_rsa_key, paris_facts
from verifier.gaia_x import ChainPolicy, GaiaXShapes, GaiaXVerifyOptions, verify_gaia_x_presentation

pytestmark = pytest.mark.shared


def _options(dep: Deployment, codes: frozenset[str], **overrides: Any) -> GaiaXVerifyOptions:
    values: dict[str, Any] = {
        "subdivision_codes": codes,
        "fetcher": dep.fetcher,
        "chain_policy": ChainPolicy(accept_dev_chains=True),
    }
    values.update(overrides)
    return GaiaXVerifyOptions(**values)


def _verify(
    token: str,
    dep: Deployment,
    shapes: GaiaXShapes,
    registry: ContextRegistry,
    codes: frozenset[str],
    **overrides: Any,
) -> VerificationResult:
    return verify_gaia_x_presentation(
        token,
        resolver=dep.resolver,
        registry=registry,
        shapes=shapes,
        now=NOW,
        options=_options(dep, codes, **overrides),
    )


def _failed(result: VerificationResult) -> set[str]:
    return {check.code for check in result.failed}


def _bundle_with(
    dep: Deployment,
    edit: Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None],
    facts: ParticipantFacts | None = None,
) -> str:
    """A VP-JWT whose credentials were edited before signing (a dishonest issuer)."""
    creds = loire_credentials(
        facts or paris_facts(),
        ids=CredentialIds.for_participant(dep.config.base_url, "552081317"),
        issuer=dep.config.issuer_did,
        valid_from=NOW,
    )
    edit(creds.legal_person, creds.registration_number, creds.issuer_terms)
    jwts = sign_loire_credentials(creds, dep.signer, issued_at=int(NOW.timestamp()))
    return loire_presentation(
        jwts, dep.signer, holder=dep.config.issuer_did, issued_at=int(NOW.timestamp())
    )


def test_generated_loire_presentation_verifies(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    result = _verify(bundle.vp_jwt, dep, shapes, registry, subdivision_codes)
    assert result.verified, [c.to_json() for c in result.failed]
    codes = {check.code for check in result.checks}
    assert {
        "signature",
        "x5u_chain",
        "shacl",
        "terms_and_conditions",
        "registration_join",
        "did_resolution",
        "subdivision_code",
    } <= codes


def test_closed_shape_refuses_an_extra_property_on_legal_person(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()

    def add_siret(person: dict[str, Any], _: dict[str, Any], __: dict[str, Any]) -> None:
        person["credentialSubject"]["gx:siret"] = "55208131700013"

    result = _verify(_bundle_with(dep, add_siret), dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"shacl"}
    assert any("LegalPersonShape" in c.detail and "siret" in c.detail for c in result.failed)


def test_wrong_terms_and_conditions_hash_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()

    def wrong_hash(_: dict[str, Any], __: dict[str, Any], terms: dict[str, Any]) -> None:
        terms["credentialSubject"]["gx:gaiaxTermsAndConditions"] = "0" * 64

    result = _verify(_bundle_with(dep, wrong_hash), dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"shacl", "terms_and_conditions"}


def test_missing_registration_number_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()

    def drop(person: dict[str, Any], _: dict[str, Any], __: dict[str, Any]) -> None:
        del person["credentialSubject"]["gx:registrationNumber"]

    result = _verify(_bundle_with(dep, drop), dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"shacl", "registration_join"}


def test_broken_registration_join_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()

    def elsewhere(person: dict[str, Any], _: dict[str, Any], __: dict[str, Any]) -> None:
        person["credentialSubject"]["gx:registrationNumber"] = {
            "id": "https://elsewhere.example/lrn#cs"
        }

    result = _verify(_bundle_with(dep, elsewhere), dep, shapes, registry, subdivision_codes)
    assert "registration_join" in _failed(result)


def test_nuts2_region_outside_the_list_fails_shacl(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()

    def bad_region(person: dict[str, Any], _: dict[str, Any], __: dict[str, Any]) -> None:
        person["credentialSubject"]["gx:legalAddress"]["vcard:region"] = "FR75"

    result = _verify(_bundle_with(dep, bad_region), dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"shacl"}


def test_tampered_signature_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    header, payload, signature = bundle.vp_jwt.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    result = _verify(f"{header}.{payload}.{flipped}", dep, shapes, registry, subdivision_codes)
    assert not result.verified
    assert "signature" in _failed(result)


def test_tampered_enveloped_credential_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    h, p, s = bundle.vc_jwts[0].split(".")
    forged = f"{h}.{p}.{s[:10]}{'A' if s[10] != 'A' else 'B'}{s[11:]}"
    token = loire_presentation(
        [forged, *bundle.vc_jwts[1:]],
        dep.signer,
        holder=dep.config.issuer_did,
        issued_at=int(NOW.timestamp()),
    )
    result = _verify(token, dep, shapes, registry, subdivision_codes)
    assert any(
        c.code == "signature" and "verifiableCredential[0]" in c.detail for c in result.failed
    )


def test_jwk_not_matching_the_x5u_certificate_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment(chain_key=other_rsa_key())
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    result = _verify(bundle.vp_jwt, dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"x5u_chain"}
    assert "does not match" in result.failed[0].detail


def test_dev_chain_is_refused_unless_configured(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    result = _verify(
        bundle.vp_jwt, dep, shapes, registry, subdivision_codes, chain_policy=ChainPolicy()
    )
    assert _failed(result) == {"x5u_chain"}


def test_missing_x5u_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment(x5u=False)
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    result = _verify(bundle.vp_jwt, dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"x5u_chain"}
    assert "x5u parameter is expected" in result.failed[0].detail


def test_unresolvable_did_web_fails(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()

    def parent(person: dict[str, Any], _: dict[str, Any], __: dict[str, Any]) -> None:
        person["credentialSubject"]["schema:description"] = "did:web:gone.example"

    result = _verify(_bundle_with(dep, parent), dep, shapes, registry, subdivision_codes)
    assert _failed(result) == {"did_resolution"}


def test_without_shapes_the_shacl_check_fails(
    registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    result = _verify(bundle.vp_jwt, dep, GaiaXShapes(), registry, subdivision_codes)
    assert _failed(result) == {"shacl"}


def test_compliance_label_integrity(
    shapes: GaiaXShapes, registry: ContextRegistry, subdivision_codes: frozenset[str]
) -> None:
    """A label credential's gx:digestSRI must be the SHA-256 of each credential it names."""
    from verifier.gaia_x.integrity import Secured, check_integrity, jcs_sha256

    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    decoded = verify_gaia_x_presentation(
        bundle.vp_jwt,
        resolver=dep.resolver,
        registry=registry,
        shapes=None,
        now=NOW,
        options=_options(dep, subdivision_codes, require_shacl=False),
    ).extra["credentials"]
    secured = [Secured(doc, jwt) for doc, jwt in zip(decoded, bundle.vc_jwts, strict=True)]
    label: dict[str, Any] = {
        "credentialSubject": {
            "type": "gx:LabelCredential",
            "gx:compliantCredentials": [
                {"id": doc["id"], "gx:digestSRI": "sha256-" + jcs_sha256(doc)} for doc in decoded
            ],
        }
    }
    assert all(passed for passed, _ in check_integrity(label, secured))
    tampered = copy.deepcopy(label)
    tampered["credentialSubject"]["gx:compliantCredentials"][0]["gx:digestSRI"] = (
        "sha256-" + "0" * 64
    )
    outcomes = check_integrity(tampered, secured)
    assert [passed for passed, _ in outcomes] == [False, True, True]
