"""vp+jwt (VC-JOSE-COSE §3.1.2) with enveloped vc+jwt credentials and holder binding."""

from __future__ import annotations

from typing import Any

import pytest

from credentials.errors import DataModelError, KeyResolutionError
from credentials.jose import JosePolicy, decode_compact, sign_compact
from credentials.result import VerificationResult
from credentials.vc_jose import build_presentation, sign_vc_jwt, sign_vp_jwt, verify_vp_jwt
from credentials.vc_jose.verify import MAX_CREDENTIALS
from credentials.vcdm import CREDENTIALS_V2_CONTEXT, envelope_credential
from tests.credentials.vc_jose.conftest import HOLDER, ISSUER, NOW, Keys, make_credential

NONCE = "n-0S6_WzA2Mj-attestia"
AUDIENCE = "x509_san_dns:verifier.attestia.example"


def _vp(keys: Keys, credentials: list[Any] | None = None, **kwargs: Any) -> str:
    if credentials is None:
        credentials = [sign_vc_jwt(make_credential(), keys.issuer)]
    presentation = build_presentation(credentials, holder=kwargs.pop("holder", HOLDER))
    kwargs.setdefault("nonce", NONCE)
    kwargs.setdefault("audience", AUDIENCE)
    return sign_vp_jwt(presentation, kwargs.pop("signer", keys.holder), **kwargs)


def _verify(token: str, keys: Keys, **kwargs: Any) -> VerificationResult:
    kwargs.setdefault("expected_nonce", NONCE)
    kwargs.setdefault("expected_audience", AUDIENCE)
    return verify_vp_jwt(token, key_resolver=keys.resolver(), now=kwargs.pop("now", NOW), **kwargs)


def _codes(result: VerificationResult) -> list[str]:
    return [check.code for check in result.failed]


def test_round_trip(keys: Keys) -> None:
    token = _vp(keys, issued_at=int(NOW.timestamp()))
    decoded = decode_compact(token, JosePolicy())
    assert decoded.header == {"alg": "EdDSA", "kid": keys.holder.kid, "typ": "vp+jwt", "cty": "vp"}
    claims = decoded.payload_json()
    assert claims["nonce"] == NONCE
    assert claims["aud"] == AUDIENCE
    enveloped = claims["verifiableCredential"][0]
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    assert enveloped["@context"] == CREDENTIALS_V2_CONTEXT
    assert enveloped["id"].startswith("data:application/vc+jwt,eyJ")
    result = _verify(token, keys, require_holder_is_subject=True)
    assert result.verified, result.to_json()
    assert result.format == "vp+jwt"
    assert result.extra["holder"] == HOLDER
    [credential] = result.extra["credentials"]
    assert credential["verified"]
    assert credential["issuer"] == ISSUER
    assert credential["claims"]["credentialSubject"]["id"] == HOLDER
    binding = [c.detail for c in result.checks if c.code == "holder_binding"]
    assert binding == [
        "nonce matches",
        "aud matches",
        "verifiableCredential[0]: the holder is its subject",
    ]


def test_holder_taken_from_kid_when_absent(keys: Keys) -> None:
    presentation = build_presentation([sign_vc_jwt(make_credential(), keys.issuer)])
    token = sign_vp_jwt(presentation, keys.holder, nonce=NONCE, audience=[AUDIENCE, "other"])
    result = _verify(token, keys, require_holder_is_subject=True)
    assert result.verified, result.to_json()
    assert result.extra["holder"] == HOLDER


def test_nonce_mismatch(keys: Keys) -> None:
    result = _verify(_vp(keys), keys, expected_nonce="another-nonce")
    assert _codes(result) == ["holder_binding"]
    assert "nonce" in result.failed[0].detail
    assert _codes(_verify(_vp(keys, nonce=None), keys)) == ["holder_binding"]


def test_non_ascii_nonce_and_audience_are_mismatches_not_errors(keys: Keys) -> None:
    """hmac.compare_digest raises TypeError on non-ASCII str: the values are compared as
    UTF-8 bytes (found by the fuzz test)."""
    result = _verify(_vp(keys, nonce="n\u00e9", audience="https://v\u00e9rifieur.example"), keys)
    assert _codes(result) == ["holder_binding", "holder_binding"]
    same = _verify(_vp(keys, nonce="n\u00e9"), keys, expected_nonce="n\u00e9")
    assert same.verified, same.to_json()


def test_audience_mismatch(keys: Keys) -> None:
    result = _verify(_vp(keys), keys, expected_audience="x509_san_dns:evil.example")
    assert _codes(result) == ["holder_binding"]
    assert "aud" in result.failed[0].detail
    assert _codes(_verify(_vp(keys, audience=None), keys)) == ["holder_binding"]


def test_holder_is_not_the_subject(keys: Keys) -> None:
    credential = make_credential(credentialSubject={"id": "did:key:z6MksomeoneElse", "siren": "1"})
    token = _vp(keys, [sign_vc_jwt(credential, keys.issuer)])
    assert _verify(token, keys).verified  # not asked: accepted
    result = _verify(token, keys, require_holder_is_subject=True)
    assert _codes(result) == ["holder_binding"]
    assert "not a subject" in result.failed[0].detail


def test_signed_by_a_key_that_is_not_the_holders(keys: Keys) -> None:
    presentation = build_presentation([sign_vc_jwt(make_credential(), keys.issuer)], holder=HOLDER)
    header = {"kid": keys.other.kid, "typ": "vp+jwt", "cty": "vp"}
    token = sign_compact(header, {**presentation, "nonce": NONCE, "aud": AUDIENCE}, keys.other)
    assert _codes(_verify(token, keys)) == ["holder_binding"]
    with pytest.raises(KeyResolutionError):
        sign_vp_jwt(presentation, keys.other)


def test_iss_must_be_the_holder(keys: Keys) -> None:
    presentation = build_presentation([], holder=HOLDER)
    header = {"kid": keys.holder.kid, "typ": "vp+jwt"}
    token = sign_compact(header, {**presentation, "iss": ISSUER}, keys.holder)
    assert _codes(_verify(token, keys, expected_nonce=None, expected_audience=None)) == [
        "holder_binding"
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"typ": "vc+jwt"}, "malformed", id="typ-vc"),
        pytest.param({"typ": None}, "malformed", id="typ-missing"),
        pytest.param({"cty": "vc"}, "malformed", id="cty-vc"),
        pytest.param({"typ": "application/vp+jwt"}, None, id="typ-with-prefix"),
    ],
)
def test_header_rules(keys: Keys, changes: dict[str, Any], code: str | None) -> None:
    claims = decode_compact(_vp(keys), JosePolicy()).payload_json()
    header = {"kid": keys.holder.kid, "typ": "vp+jwt", "cty": "vp", **changes}
    token = sign_compact({k: v for k, v in header.items() if v is not None}, claims, keys.holder)
    assert _codes(_verify(token, keys)) == ([code] if code else [])


def test_enveloped_credential_with_a_non_data_id(keys: Keys) -> None:
    bad = {**envelope_credential("a.b.c"), "id": "https://issuer.attestia.example/vc/1"}
    claims = {
        "@context": [CREDENTIALS_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER,
        "verifiableCredential": [bad],
    }
    header = {"kid": keys.holder.kid, "typ": "vp+jwt", "cty": "vp"}
    token = sign_compact(header, claims, keys.holder)
    result = _verify(token, keys, expected_nonce=None, expected_audience=None)
    assert sorted(_codes(result)) == ["data_model", "malformed"]
    assert all("verifiableCredential" in c.detail for c in result.failed)
    with pytest.raises(DataModelError):
        sign_vp_jwt(claims, keys.holder)


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(envelope_credential("a.b.c", "application/vc+sd-jwt"), id="sd-jwt-envelope"),
        pytest.param(make_credential(), id="embedded-unsecured"),
        pytest.param("eyJhbGciOiJFUzI1NiJ9.e30.c2ln", id="bare-jwt-string"),
    ],
)
def test_credentials_must_be_enveloped_vc_jwt(keys: Keys, item: Any) -> None:
    claims = {
        "@context": [CREDENTIALS_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [item],
    }
    token = sign_compact({"kid": keys.holder.kid, "typ": "vp+jwt"}, claims, keys.holder)
    result = _verify(token, keys, expected_nonce=None, expected_audience=None)
    assert "malformed" in _codes(result)
    assert not result.verified


def test_nested_credential_failures_surface(keys: Keys) -> None:
    forged = sign_vc_jwt(make_credential(), keys.issuer)
    head, body, _ = forged.split(".")
    other_signature = sign_vc_jwt(make_credential(id="urn:uuid:other"), keys.issuer).split(".")[2]
    expired = sign_vc_jwt(make_credential(validUntil="2025-02-01T00:00:00Z"), keys.issuer)
    result = _verify(_vp(keys, [f"{head}.{body}.{other_signature}", expired]), keys)
    assert sorted(_codes(result)) == ["expired", "signature"]
    details = sorted(c.detail for c in result.failed)
    assert details[0].startswith("verifiableCredential[0]")
    assert details[1].startswith("verifiableCredential[1]")
    assert [c["verified"] for c in result.extra["credentials"]] == [False, False]


def test_presentation_time_claims(keys: Keys) -> None:
    token = _vp(keys, expires_at=int(NOW.timestamp()) - 3600)
    assert _codes(_verify(token, keys)) == ["expired"]


def test_credential_count_is_bounded(keys: Keys) -> None:
    one = sign_vc_jwt(make_credential(), keys.issuer)
    result = _verify(_vp(keys, [one] * (MAX_CREDENTIALS + 1)), keys)
    assert _codes(result) == ["malformed"]
    assert len(result.extra["credentials"]) == MAX_CREDENTIALS


def test_separate_credential_resolver(keys: Keys) -> None:
    token = _vp(keys)
    result = verify_vp_jwt(
        token,
        key_resolver=keys.resolver(),
        credential_key_resolver=lambda header: keys.other.public_key(),
        now=NOW,
    )
    assert _codes(result) == ["signature"]
