"""vc+jwt (VC-JOSE-COSE §3.1.1, §3.1.3, §4.1, §5.1): round trip and one test per rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from credentials import multiformats as mf
from credentials.errors import DataModelError, KeyResolutionError
from credentials.jose import JosePolicy, decode_compact, sign_compact
from credentials.result import VerificationResult
from credentials.vc_jose import key_controller, sign_vc_jwt, verify_vc_jwt
from tests.credentials.vc_jose.conftest import ISSUER, NOW, OTHER, Keys, make_credential


def _verify(token: object, keys: Keys, **kwargs: Any) -> VerificationResult:
    return verify_vc_jwt(token, key_resolver=keys.resolver(), now=kwargs.pop("now", NOW), **kwargs)


def _codes(result: VerificationResult) -> list[str]:
    return [check.code for check in result.failed]


def _header(keys: Keys, **changes: Any) -> dict[str, Any]:
    header: dict[str, Any] = {"kid": keys.issuer.kid, "typ": "vc+jwt", "cty": "vc"}
    header.update(changes)
    return {k: v for k, v in header.items() if v is not None}


def test_round_trip(keys: Keys) -> None:
    credential = make_credential()
    token = sign_vc_jwt(credential, keys.issuer)
    decoded = decode_compact(token, JosePolicy())
    assert decoded.header == {"alg": "ES256", "kid": keys.issuer.kid, "typ": "vc+jwt", "cty": "vc"}
    assert decoded.payload_json() == credential  # §3.1.1: the claims set is the credential
    result = _verify(token, keys)
    assert result.verified, result.to_json()
    assert result.format == "vc+jwt"
    assert result.issuer == ISSUER
    assert result.claims == credential
    assert result.credential_types == ["VerifiableCredential", "CompanyRegistrationCredential"]
    assert {c.code for c in result.checks} == {
        "signature",
        "data_model",
        "expired",
        "not_yet_valid",
    }
    json.dumps(result.to_json())


def test_registered_claims_are_not_invented(keys: Keys) -> None:
    """§3.1.3: iat/exp are the signature's own times; nbf is NOT RECOMMENDED; no iss/jti/sub."""
    plain = decode_compact(sign_vc_jwt(make_credential(), keys.issuer), JosePolicy()).payload_json()
    assert not {"iat", "exp", "nbf", "iss", "jti", "sub", "vc", "vp"} & plain.keys()
    token = sign_vc_jwt(make_credential(), keys.issuer, issued_at=1748736000, expires_at=1780272000)
    claims = decode_compact(token, JosePolicy()).payload_json()
    assert (claims["iat"], claims["exp"]) == (1748736000, 1780272000)
    assert claims["validUntil"] == "2026-01-01T00:00:00Z"
    assert _verify(token, keys).verified


def test_issuer_object_and_typ_with_prefix(keys: Keys) -> None:
    credential = make_credential(issuer={"id": ISSUER, "name": "Attestia"})
    token = sign_compact(
        _header(keys, typ="application/vc+jwt", cty="application/vc"), credential, keys.issuer
    )
    result = _verify(token, keys)
    assert result.verified, result.to_json()
    assert result.issuer == ISSUER


def test_cty_is_optional(keys: Keys) -> None:
    token = sign_compact(_header(keys, cty=None), make_credential(), keys.issuer)
    assert _verify(token, keys).verified


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"typ": None}, "malformed", id="typ-missing"),
        pytest.param({"typ": "JWT"}, "malformed", id="typ-jwt"),
        pytest.param({"typ": "vp+jwt"}, "malformed", id="typ-vp"),
        pytest.param({"typ": "vc+sd-jwt"}, "malformed", id="typ-sd-jwt"),
        pytest.param({"cty": "vp"}, "malformed", id="cty-vp"),
        pytest.param({"cty": "application/json"}, "malformed", id="cty-json"),
        pytest.param({"kid": None}, "malformed", id="kid-missing"),
        pytest.param({"kid": "#key-1"}, "signature", id="kid-relative"),
        pytest.param({"crit": ["exp"]}, "malformed", id="crit-not-understood"),
        pytest.param({"jwk": {"kty": "OKP"}}, "key_resolution", id="jwk-in-header"),
    ],
)
def test_header_rules(keys: Keys, changes: dict[str, Any], code: str) -> None:
    token = sign_compact(_header(keys, **changes), make_credential(), keys.issuer)
    result = _verify(token, keys)
    assert _codes(result) == [code]
    assert result.claims == {}


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", None])
def test_algorithm_not_allowed(keys: Keys, alg: str | None) -> None:
    header = {"alg": alg, "kid": keys.issuer.kid, "typ": "vc+jwt", "cty": "vc"}
    body = mf.b64url_encode(json.dumps(make_credential()).encode())
    head = mf.b64url_encode(json.dumps(header).encode())
    result = _verify(f"{head}.{body}.", keys)
    assert _codes(result) == ["signature"]
    assert "not allowed" in result.failed[0].detail


def test_signed_by_a_key_that_is_not_the_issuers(keys: Keys) -> None:
    """A valid signature by someone else's DID does not make them the issuer (§4.2)."""
    token = sign_compact(_header(keys, kid=keys.other.kid), make_credential(), keys.other)
    result = _verify(token, keys)
    assert _codes(result) == ["signature"]
    assert OTHER in result.failed[0].detail


def test_issuer_kid_but_wrong_key(keys: Keys) -> None:
    token = sign_compact(_header(keys), make_credential(), keys.other)
    assert _codes(_verify(token, keys)) == ["signature"]


def test_unknown_kid(keys: Keys) -> None:
    token = sign_compact(_header(keys, kid=f"{ISSUER}#key-9"), make_credential(), keys.issuer)
    assert _codes(_verify(token, keys)) == ["key_resolution"]


def test_resolver_raising_a_lookup_error_is_contained(keys: Keys) -> None:
    token = sign_vc_jwt(make_credential(), keys.issuer)
    result = verify_vc_jwt(token, key_resolver=lambda header: {}[header["kid"]], now=NOW)
    assert _codes(result) == ["key_resolution"]


def test_tampered_payload(keys: Keys) -> None:
    head, _, sig = sign_vc_jwt(make_credential(), keys.issuer).split(".")
    forged = mf.b64url_encode(json.dumps(make_credential(issuer=ISSUER, id="urn:uuid:x")).encode())
    assert _codes(_verify(f"{head}.{forged}.{sig}", keys)) == ["signature"]


def test_iss_must_match_issuer(keys: Keys) -> None:
    """§4.1.2: "iss value, if present, MUST match issuer value"."""
    token = sign_compact(_header(keys), {**make_credential(), "iss": OTHER}, keys.issuer)
    assert _codes(_verify(token, keys)) == ["signature"]
    token = sign_compact(_header(keys), {**make_credential(), "iss": ISSUER}, keys.issuer)
    assert _verify(token, keys).verified


@pytest.mark.parametrize("claim", ["vc", "vp"])
def test_vc_and_vp_claims_are_forbidden(keys: Keys, claim: str) -> None:
    """§3.1.3: "The JWT Claim Names vc and vp MUST NOT be present"."""
    token = sign_compact(_header(keys), {**make_credential(), claim: {}}, keys.issuer)
    result = _verify(token, keys)
    assert _codes(result) == ["data_model"]
    assert "must not be present" in result.failed[0].detail
    with pytest.raises(DataModelError):
        sign_vc_jwt({**make_credential(), claim: {}}, keys.issuer)


def test_all_data_model_problems_after_a_good_signature(keys: Keys) -> None:
    credential = make_credential(validFrom="2025-01-01T00:00:00", credentialSubject=[])
    credential["@context"] = ["https://w3id.org/attestia/v1", credential["@context"][0]]
    token = sign_compact(_header(keys), credential, keys.issuer)
    result = _verify(token, keys)
    data_model = [c.detail for c in result.failed if c.code == "data_model"]
    assert len(data_model) == 3  # context order, empty subject, no time zone
    assert any("/validFrom" in d for d in data_model)
    assert result.checks[0].code == "signature"
    assert result.checks[0].passed
    assert not [c for c in result.checks if c.code == "expired"]  # window unknown, not "passed"


def test_v1_credential_is_not_a_vc_jwt(keys: Keys) -> None:
    credential = make_credential()
    credential["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    token = sign_compact(_header(keys), credential, keys.issuer)
    assert "data_model" in _codes(_verify(token, keys))


def test_expired(keys: Keys) -> None:
    token = sign_vc_jwt(make_credential(), keys.issuer)
    late = NOW.replace(year=2026, month=2)
    assert _codes(_verify(token, keys, now=late)) == ["expired"]


def test_not_yet_valid(keys: Keys) -> None:
    token = sign_vc_jwt(make_credential(), keys.issuer)
    early = NOW.replace(year=2024)
    assert _codes(_verify(token, keys, now=early.timestamp())) == ["not_yet_valid"]


def test_signature_exp_claim(keys: Keys) -> None:
    token = sign_vc_jwt(make_credential(), keys.issuer, expires_at=int(NOW.timestamp()) - 3600)
    assert _codes(_verify(token, keys)) == ["expired"]
    token = sign_vc_jwt(make_credential(), keys.issuer, issued_at=int(NOW.timestamp()) + 3600)
    assert _codes(_verify(token, keys)) == ["not_yet_valid"]


def test_signing_refuses_an_invalid_credential(keys: Keys) -> None:
    with pytest.raises(DataModelError, match="credentialSubject"):
        sign_vc_jwt(make_credential(credentialSubject=[]), keys.issuer)
    v1 = make_credential()
    v1["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    with pytest.raises(DataModelError):
        sign_vc_jwt(v1, keys.issuer)


def test_signing_refuses_a_signer_that_is_not_the_issuer(keys: Keys) -> None:
    with pytest.raises(KeyResolutionError):
        sign_vc_jwt(make_credential(), keys.other)


@pytest.mark.parametrize(
    ("kid", "controller"),
    [
        ("did:web:ex.org#key-1", "did:web:ex.org"),
        ("did:web:ex.org:users:alice#k", "did:web:ex.org:users:alice"),
        ("did:example:123/path?x=1#k", "did:example:123"),
        ("did:key:z6Mkabc#z6Mkabc", "did:key:z6Mkabc"),
        ("https://ex.org/issuers/1#key-1", "https://ex.org/issuers/1"),
        ("#key-1", None),
        ("NzbLsXh8uDCcd", None),
        (3, None),
    ],
)
def test_key_controller(kid: object, controller: str | None) -> None:
    assert key_controller(kid) == controller
