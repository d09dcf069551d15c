"""SD-JWT VC: payload rules, typ, issuer key resolution paths, type metadata."""

from __future__ import annotations

from typing import Any

import pytest

from credentials.errors import DataModelError, KeyResolutionError
from credentials.keys import PublicKey, SoftwareSigner
from credentials.result import VerificationResult
from credentials.sd_jwt import SD, KeyBindingRequest, create_presentation, issue_sd_jwt
from credentials.sd_jwt.verifier import IssuerKeyResolver
from credentials.sd_jwt_vc import (
    ClaimMetadata,
    DidKeyResolver,
    IssuerMetadataKeyResolver,
    StatusListReference,
    X5cKeyResolver,
    build_payload,
    build_type_metadata,
    check_sd_jwt_vc,
    issue_sd_jwt_vc,
    issuer_key_resolver,
    jwt_vc_issuer_metadata_url,
    verify_sd_jwt_vc,
)
from tests.credentials.sd_jwt.conftest import AUD, ISS, NONCE, NOW, fixed_key
from tests.credentials.sd_jwt.pki import Pki, make_pki

VCT = "https://issuer.example.org/credentials/company-registration"


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def _payload(holder: SoftwareSigner, **extra: Any) -> dict[str, Any]:
    return build_payload(
        vct=VCT,
        iss=ISS,
        iat=NOW - 60,
        exp=NOW + 86400,
        holder_jwk=holder.public_jwk(),
        status=StatusListReference(idx=4711, uri="https://issuer.example.org/status/1"),
        claims={"siren": SD("356000000"), "legal_name": SD("La Poste"), **extra},
    )


def _check(
    presentation: str, resolver: IssuerKeyResolver, *, kb: bool = True
) -> VerificationResult:
    return check_sd_jwt_vc(
        presentation,
        issuer_key=resolver,
        now=NOW,
        require_key_binding=kb,
        expected_nonce=NONCE if kb else None,
        expected_aud=AUD if kb else None,
    )


def _present(issued: str, holder: SoftwareSigner) -> str:
    return create_presentation(
        issued, [("siren",)], key_binding=KeyBindingRequest(holder, NONCE, AUD, NOW - 5)
    )


def test_payload_shape_and_round_trip(issuer_signer, holder_signer) -> None:
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer)
    payload = issued.payload
    assert {"vct", "iss", "iat", "exp", "cnf", "status", "_sd", "_sd_alg"} == set(payload)
    assert payload["status"] == {
        "status_list": {"idx": 4711, "uri": "https://issuer.example.org/status/1"}
    }
    result = _check(_present(issued.compact, holder_signer), fixed_key(issuer_signer.public_key()))
    assert result.verified, result.failed
    assert result.format == "dc+sd-jwt"
    assert result.credential_types == [VCT]
    assert result.issuer == ISS
    assert result.claims["siren"] == "356000000"
    assert "legal_name" not in result.claims
    assert [c.code for c in result.checks] == [
        "malformed",
        "signature",
        "disclosures",
        "expired",
        "not_yet_valid",
        "holder_binding",
        "data_model",
    ]


def test_raising_api(issuer_signer, holder_signer) -> None:
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer)
    verified = verify_sd_jwt_vc(
        _present(issued.compact, holder_signer),
        issuer_key=fixed_key(issuer_signer.public_key()),
        now=NOW,
        require_key_binding=True,
        expected_nonce=NONCE,
        expected_aud=AUD,
    )
    assert verified.claims["vct"] == VCT
    assert verified.kb_claims is not None


def test_legacy_vc_sd_jwt_typ_is_accepted(issuer_signer, holder_signer) -> None:
    issued = issue_sd_jwt(_payload(holder_signer), issuer_signer, typ="vc+sd-jwt")
    result = _check(_present(issued.compact, holder_signer), fixed_key(issuer_signer.public_key()))
    assert result.verified, result.failed


@pytest.mark.parametrize("name", ["iss", "vct", "cnf", "status", "iat", "exp", "nbf"])
def test_issuer_never_blinds_registered_claims(issuer_signer, holder_signer, name) -> None:
    payload = _payload(holder_signer)
    payload[name] = SD(payload.get(name, NOW))
    with pytest.raises(DataModelError):
        issue_sd_jwt_vc(payload, issuer_signer)


def test_registered_claims_cannot_be_passed_as_subject_claims(holder_signer) -> None:
    with pytest.raises(DataModelError):
        _payload(holder_signer, cnf={"jwk": {}})


@pytest.mark.parametrize("name", ["vct", "iss", "exp", "status"])
def test_verifier_refuses_disclosed_registered_claims(issuer_signer, name) -> None:
    claims: dict[str, Any] = {
        "vct": VCT,
        "iss": ISS,
        "exp": NOW + 60,
        "status": {"status_list": {"idx": 1, "uri": "https://s.example/1"}},
    }
    claims[name] = SD(claims[name])
    issued = issue_sd_jwt(claims, issuer_signer, typ="dc+sd-jwt")
    presentation = create_presentation(issued.compact, [(name,)])
    result = _check(presentation, fixed_key(issuer_signer.public_key()), kb=False)
    assert [c.code for c in result.failed] == ["data_model"]
    assert result.claims == {}


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": ISS},
        {"iss": ISS, "vct": 7},
        {"iss": ISS, "vct": VCT, "cnf": "key"},
        {"iss": ISS, "vct": VCT, "status": {"status_list": {"idx": -1, "uri": "u"}}},
        {"iss": ISS, "vct": VCT, "status": {"status_list": {"idx": True, "uri": "u"}}},
        {"iss": ISS, "vct": VCT, "status": {"status_list": {"idx": 1}}},
    ],
    ids=["no-vct", "vct-not-string", "cnf-not-object", "idx-negative", "idx-bool", "no-uri"],
)
def test_data_model_violations(issuer_signer, claims) -> None:
    issued = issue_sd_jwt(claims, issuer_signer, typ="dc+sd-jwt")
    result = _check(issued.compact, fixed_key(issuer_signer.public_key()), kb=False)
    assert [c.code for c in result.failed] == ["data_model"]


# --- issuer key resolution -------------------------------------------------------------


def test_well_known_url_is_inserted_before_the_path() -> None:
    assert (
        jwt_vc_issuer_metadata_url("https://example.com/tenant/1234")
        == "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"
    )
    assert (
        jwt_vc_issuer_metadata_url("https://example.com")
        == "https://example.com/.well-known/jwt-vc-issuer"
    )
    with pytest.raises(KeyResolutionError):
        jwt_vc_issuer_metadata_url("http://example.com")


def _metadata_fetcher(documents: dict[str, Any]) -> Any:
    def fetch(url: str) -> Any:
        if url not in documents:
            raise KeyResolutionError(f"unexpected fetch {url}")
        return documents[url]

    return fetch


def _jwks(signer: SoftwareSigner, kid: str) -> dict[str, Any]:
    return {"keys": [{**signer.public_jwk(), "kid": kid}]}


def test_issuer_metadata_with_jwks(issuer_signer, holder_signer) -> None:
    url = "https://issuer.example.org/.well-known/jwt-vc-issuer"
    fetch = _metadata_fetcher({url: {"issuer": ISS, "jwks": _jwks(issuer_signer, "k1")}})
    resolver = issuer_key_resolver(metadata=IssuerMetadataKeyResolver(fetch))
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer, header={"kid": "k1"})
    assert _check(_present(issued.compact, holder_signer), resolver).verified
    wrong_kid = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer, header={"kid": "k2"})
    result = _check(_present(wrong_kid.compact, holder_signer), resolver)
    assert [c.code for c in result.failed] == ["signature"]


def test_issuer_metadata_with_jwks_uri(issuer_signer, holder_signer) -> None:
    url = "https://issuer.example.org/.well-known/jwt-vc-issuer"
    jwks_uri = "https://issuer.example.org/jwks.json"
    fetch = _metadata_fetcher(
        {url: {"issuer": ISS, "jwks_uri": jwks_uri}, jwks_uri: _jwks(issuer_signer, "k1")}
    )
    resolver = issuer_key_resolver(metadata=IssuerMetadataKeyResolver(fetch))
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer, header={"kid": "k1"})
    assert _check(_present(issued.compact, holder_signer), resolver).verified


def test_issuer_metadata_for_another_issuer_is_refused(issuer_signer, holder_signer) -> None:
    url = "https://issuer.example.org/.well-known/jwt-vc-issuer"
    fetch = _metadata_fetcher(
        {url: {"issuer": "https://evil.example", "jwks": _jwks(issuer_signer, "k1")}}
    )
    resolver = issuer_key_resolver(metadata=IssuerMetadataKeyResolver(fetch))
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer, header={"kid": "k1"})
    result = _check(_present(issued.compact, holder_signer), resolver)
    assert [c.code for c in result.failed] == ["signature"]


def test_did_kid_resolution(issuer_signer, holder_signer) -> None:
    did = "did:web:issuer.example.org"
    seen: list[str] = []

    def resolve(did_url: str) -> PublicKey:
        seen.append(did_url)
        return issuer_signer.public_key()

    resolver = issuer_key_resolver(did=DidKeyResolver(resolve))
    payload = {**_payload(holder_signer), "iss": did}
    issued = issue_sd_jwt_vc(payload, issuer_signer, header={"kid": f"{did}#key-1"})
    assert _check(_present(issued.compact, holder_signer), resolver).verified
    assert seen == [f"{did}#key-1"]
    foreign = issue_sd_jwt_vc(payload, issuer_signer, header={"kid": "did:web:evil.example#k"})
    result = _check(_present(foreign.compact, holder_signer), resolver)
    assert [c.code for c in result.failed] == ["signature"]


def test_unconfigured_path_is_refused(issuer_signer, holder_signer) -> None:
    resolver = issuer_key_resolver()
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer)
    result = _check(_present(issued.compact, holder_signer), resolver)
    assert [c.code for c in result.failed] == ["signature"]


def _x5c_resolver(anchor: Any) -> IssuerKeyResolver:
    return issuer_key_resolver(x5c=X5cKeyResolver([anchor], clock=lambda: NOW))


def test_x5c_chain_to_anchor(pki, holder_signer) -> None:
    issued = issue_sd_jwt_vc(
        _payload(holder_signer), pki.signer, header={"x5c": pki.x5c()}, include_kid=False
    )
    result = _check(_present(issued.compact, holder_signer), _x5c_resolver(pki.root))
    assert result.verified, result.failed


def test_x5c_chain_not_to_an_anchor_is_refused(pki, holder_signer) -> None:
    other = make_pki()
    issued = issue_sd_jwt_vc(_payload(holder_signer), pki.signer, header={"x5c": pki.x5c()})
    result = _check(_present(issued.compact, holder_signer), _x5c_resolver(other.root))
    assert [c.code for c in result.failed] == ["signature"]


def test_x5c_including_the_anchor_is_refused(pki, holder_signer) -> None:
    issued = issue_sd_jwt_vc(
        _payload(holder_signer), pki.signer, header={"x5c": pki.x5c(with_root=True)}
    )
    result = _check(_present(issued.compact, holder_signer), _x5c_resolver(pki.root))
    assert [c.code for c in result.failed] == ["signature"]


def test_x5c_iss_must_match_a_san(pki, holder_signer) -> None:
    payload = {**_payload(holder_signer), "iss": "https://other.example.org"}
    issued = issue_sd_jwt_vc(payload, pki.signer, header={"x5c": pki.x5c()})
    result = _check(_present(issued.compact, holder_signer), _x5c_resolver(pki.root))
    assert [c.code for c in result.failed] == ["signature"]


def test_x5c_signed_by_a_key_other_than_the_leaf_is_refused(pki, holder_signer, issuer_signer):
    issued = issue_sd_jwt_vc(_payload(holder_signer), issuer_signer, header={"x5c": pki.x5c()})
    result = _check(_present(issued.compact, holder_signer), _x5c_resolver(pki.root))
    assert [c.code for c in result.failed] == ["signature"]


def test_x5c_outside_validity_is_refused(pki, holder_signer) -> None:
    issued = issue_sd_jwt_vc(_payload(holder_signer), pki.signer, header={"x5c": pki.x5c()})
    late = issuer_key_resolver(x5c=X5cKeyResolver([pki.root], clock=lambda: 2_000_000_000))
    result = _check(_present(issued.compact, holder_signer), late)
    assert [c.code for c in result.failed] == ["signature"]


@pytest.mark.parametrize("x5c", [[], "MII", ["not base64!"], ["QUJD"]], ids=str)
def test_malformed_x5c_is_refused(pki, holder_signer, x5c) -> None:
    issued = issue_sd_jwt_vc(_payload(holder_signer), pki.signer, header={"x5c": x5c})
    result = _check(_present(issued.compact, holder_signer), _x5c_resolver(pki.root))
    assert [c.code for c in result.failed] == ["signature"]


# --- type metadata ----------------------------------------------------------------------


def test_type_metadata_document() -> None:
    doc = build_type_metadata(
        vct=VCT,
        name="Company registration",
        description="SIREN, SIRET and legal name of a French company",
        display={
            "fr-FR": {"name": "Immatriculation", "description": "Entreprise"},
            "en-US": {"name": "Company registration"},
        },
        claims=[
            ClaimMetadata(("siren",), {"fr-FR": {"label": "SIREN"}}, sd="allowed", mandatory=True),
            ClaimMetadata(("address", "locality"), {"en-US": {"label": "City"}}, sd="always"),
        ],
    )
    assert doc == {
        "vct": VCT,
        "name": "Company registration",
        "description": "SIREN, SIRET and legal name of a French company",
        "display": [
            {"locale": "fr-FR", "name": "Immatriculation", "description": "Entreprise"},
            {"locale": "en-US", "name": "Company registration"},
        ],
        "claims": [
            {
                "path": ["siren"],
                "display": [{"locale": "fr-FR", "label": "SIREN"}],
                "sd": "allowed",
                "mandatory": True,
            },
            {
                "path": ["address", "locality"],
                "display": [{"locale": "en-US", "label": "City"}],
                "sd": "always",
            },
        ],
    }


def test_type_metadata_refuses_duplicate_paths() -> None:
    with pytest.raises(DataModelError):
        build_type_metadata(vct=VCT, claims=[ClaimMetadata(("a",)), ClaimMetadata(("a",))])
