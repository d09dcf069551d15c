"""One test per MUST of RFC 9901 §7 and the verifier hardening list: each must fail."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from credentials.errors import CredentialError, HolderBindingError
from credentials.jose import sign_compact
from credentials.keys import SoftwareSigner
from credentials.result import VerificationResult
from credentials.sd_jwt import (
    SD,
    KeyBindingRequest,
    create_kb_jwt,
    create_presentation,
    issue_sd_jwt,
    verify_sd_jwt,
)
from credentials.sd_jwt.digest import b64_digest
from credentials.sd_jwt.errors import DisclosureError
from credentials.sd_jwt.verifier import SdJwtPolicy, check_sd_jwt
from tests.credentials.sd_jwt.conftest import AUD, ISS, NONCE, NOW, fixed_key
from tests.credentials.sd_jwt.helpers import b64, combine, raw_disclosure, signed, unsigned_jwt

BASE: dict[str, Any] = {"iss": ISS, "iat": NOW - 100, "exp": NOW + 3600, "_sd_alg": "sha-256"}


def _check(
    text: object,
    signer: SoftwareSigner,
    *,
    require_key_binding: bool = False,
    policy: SdJwtPolicy | None = None,
) -> VerificationResult:
    result, _ = check_sd_jwt(
        text,
        issuer_key=fixed_key(signer.public_key()),
        now=NOW,
        require_key_binding=require_key_binding,
        expected_nonce=NONCE if require_key_binding else None,
        expected_aud=AUD if require_key_binding else None,
        policy=policy or SdJwtPolicy(),
    )
    return result


def _failed(result: VerificationResult, code: str) -> None:
    assert not result.verified
    assert [c.code for c in result.failed] == [code], result.failed
    assert result.claims == {}


def _bound(issuer: SoftwareSigner, holder: SoftwareSigner) -> str:
    claims = {**BASE, "cnf": {"jwk": holder.public_jwk()}, "given_name": SD("Erika")}
    del claims["_sd_alg"]
    return issue_sd_jwt(claims, issuer, typ="dc+sd-jwt").compact


def _present(issued: str, holder: SoftwareSigner, **changes: Any) -> str:
    request = {"nonce": NONCE, "aud": AUD, "iat": NOW - 5, **changes}
    return create_presentation(
        issued, [("given_name",)], key_binding=KeyBindingRequest(holder, **request)
    )


# --- the baseline passes, so each failure below is the mutation's doing ---------------


def test_baseline_with_key_binding_verifies(issuer_signer, holder_signer) -> None:
    result = _check(
        _present(_bound(issuer_signer, holder_signer), holder_signer),
        issuer_signer,
        require_key_binding=True,
    )
    assert result.verified, result.failed
    assert result.claims["given_name"] == "Erika"
    assert result.format == "dc+sd-jwt"


# --- issuer signature and header ------------------------------------------------------


def test_alg_none_is_refused(issuer_signer) -> None:
    jwt = unsigned_jwt({"alg": "none", "typ": "dc+sd-jwt"}, BASE)
    _failed(_check(combine(jwt), issuer_signer), "signature")


def test_hs256_with_the_public_key_as_secret_is_refused(issuer_signer) -> None:
    secret = issuer_signer.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head_body = unsigned_jwt({"alg": "HS256", "typ": "dc+sd-jwt"}, BASE)[:-1]
    mac = hmac.new(secret, head_body.encode(), hashlib.sha256).digest()
    _failed(_check(combine(f"{head_body}.{b64(mac)}"), issuer_signer), "signature")


def test_wrong_typ_is_refused(issuer_signer) -> None:
    _failed(_check(combine(signed(BASE, issuer_signer, typ="jwt")), issuer_signer), "signature")


def test_missing_typ_is_refused(issuer_signer) -> None:
    jwt = issue_sd_jwt({"iss": ISS}, issuer_signer, typ=None).compact
    _failed(_check(jwt, issuer_signer), "signature")


@pytest.mark.parametrize(
    "header",
    [
        {"jku": "https://attacker.example/jwks"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}},
    ],
    ids=["jku", "x5u", "jwk"],
)
def test_key_carrying_headers_are_refused(issuer_signer, header) -> None:
    jwt = signed(BASE, issuer_signer, header=header)
    _failed(_check(combine(jwt), issuer_signer), "signature")


def test_signature_by_another_key_is_refused(issuer_signer, other_signer) -> None:
    _failed(_check(combine(signed(BASE, other_signer)), issuer_signer), "signature")


def test_tampered_payload_is_refused(issuer_signer) -> None:
    head, _, sig = signed(BASE, issuer_signer).split(".")
    body = b64(json.dumps({**BASE, "iss": "https://evil.example"}).encode())
    _failed(_check(combine(f"{head}.{body}.{sig}"), issuer_signer), "signature")


# --- disclosures ------------------------------------------------------------------------


def test_tampered_disclosure_value_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    forged, _ = raw_disclosure("salt-1", "given_name", "Mallory")
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    assert _check(combine(jwt, encoded), issuer_signer).verified
    _failed(_check(combine(jwt, forged), issuer_signer), "disclosures")


def test_tampered_disclosure_salt_is_refused(issuer_signer) -> None:
    _, digest = raw_disclosure("salt-1", "given_name", "Erika")
    forged, _ = raw_disclosure("salt-2", "given_name", "Erika")
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, forged), issuer_signer), "disclosures")


def test_duplicate_disclosure_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded, encoded), issuer_signer), "disclosures")


def test_unreferenced_disclosure_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    stray, _ = raw_disclosure("salt-2", "is_admin", True)
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded, stray), issuer_signer), "disclosures")


def test_duplicate_digest_in_sd_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    jwt = signed({**BASE, "_sd": [digest, digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_digest_reused_at_two_places_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "role", "user")
    jwt = signed({**BASE, "_sd": [digest], "admin": {"_sd": [digest]}}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_undisclosed_duplicate_digest_is_refused(issuer_signer) -> None:
    _, digest = raw_disclosure("salt-1", "role", "user")
    jwt = signed({**BASE, "_sd": [digest], "nested": {"_sd": [digest]}}, issuer_signer)
    _failed(_check(combine(jwt), issuer_signer), "disclosures")


def test_sd_not_an_array_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    jwt = signed({**BASE, "_sd": digest}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_sd_with_a_non_string_digest_is_refused(issuer_signer) -> None:
    jwt = signed({**BASE, "_sd": [42]}, issuer_signer)
    _failed(_check(combine(jwt), issuer_signer), "disclosures")


def test_ellipsis_key_in_an_object_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "DE")
    jwt = signed({**BASE, "nationality": {"...": digest}}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_ellipsis_beside_other_keys_in_an_array_element_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "DE")
    jwt = signed({**BASE, "nationalities": [{"...": digest, "x": 1}]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_reserved_claim_name_in_a_disclosure_is_refused(issuer_signer, name) -> None:
    encoded, digest = raw_disclosure("salt-1", name, ["x"])
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_disclosed_name_overwriting_a_plain_claim_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "iss", "https://evil.example")
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_two_disclosures_with_the_same_name_are_refused(issuer_signer) -> None:
    first, d1 = raw_disclosure("salt-1", "role", "user")
    second, d2 = raw_disclosure("salt-2", "role", "admin")
    jwt = signed({**BASE, "_sd": [d1, d2]}, issuer_signer)
    _failed(_check(combine(jwt, first, second), issuer_signer), "disclosures")


def test_array_disclosure_referenced_from_sd_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "DE")
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_object_disclosure_referenced_from_an_array_is_refused(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "nationality", "DE")
    jwt = signed({**BASE, "nationalities": [{"...": digest}]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


@pytest.mark.parametrize(
    "elements",
    [("salt-1",), ("salt-1", "a", "b", "c"), (1, "given_name", "Erika"), ("s", 7, "x")],
    ids=["one-element", "four-elements", "salt-not-string", "name-not-string"],
)
def test_malformed_disclosure_is_refused(issuer_signer, elements) -> None:
    encoded, digest = raw_disclosure(*elements)
    jwt = signed({**BASE, "_sd": [digest]}, issuer_signer)
    _failed(_check(combine(jwt, encoded), issuer_signer), "disclosures")


def test_disclosure_not_base64url_json_is_refused(issuer_signer) -> None:
    jwt = signed({**BASE, "_sd": []}, issuer_signer)
    _failed(_check(combine(jwt, "bm90IGpzb24"), issuer_signer), "disclosures")
    _failed(_check(combine(jwt, "a+b/"), issuer_signer), "disclosures")


@pytest.mark.parametrize("sd_alg", ["md5", "sha-1", 256, "SHA-256"])
def test_unaccepted_sd_alg_is_refused(issuer_signer, sd_alg) -> None:
    jwt = signed({**BASE, "_sd_alg": sd_alg}, issuer_signer)
    _failed(_check(combine(jwt), issuer_signer), "disclosures")


def test_sha_384_is_refused_unless_allowed(issuer_signer) -> None:
    issued = issue_sd_jwt(
        {"iss": ISS, "name": SD("x")}, issuer_signer, typ="dc+sd-jwt", sd_alg="sha-384"
    ).compact
    _failed(_check(issued, issuer_signer), "disclosures")
    policy = SdJwtPolicy(sd_algs=frozenset({"sha-256", "sha-384"}))
    assert _check(issued, issuer_signer, policy=policy).verified


def test_leftover_sd_keys_are_removed(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    decoy, other = b64_digest("sha-256", "decoy"), b64_digest("sha-256", "other")
    jwt = signed({**BASE, "_sd": [digest, decoy], "list": [{"...": other}, 1]}, issuer_signer)
    result = _check(combine(jwt, encoded), issuer_signer)
    assert result.verified
    assert result.claims == {
        "iss": ISS,
        "iat": BASE["iat"],
        "exp": BASE["exp"],
        "given_name": "Erika",
        "list": [1],
    }


# --- validity -------------------------------------------------------------------------


def test_expired_is_refused(issuer_signer) -> None:
    jwt = signed({**BASE, "exp": NOW - 3600}, issuer_signer)
    _failed(_check(combine(jwt), issuer_signer), "expired")


def test_not_yet_valid_is_refused(issuer_signer) -> None:
    jwt = signed({**BASE, "nbf": NOW + 3600}, issuer_signer)
    _failed(_check(combine(jwt), issuer_signer), "not_yet_valid")


def test_issued_in_the_future_is_refused(issuer_signer) -> None:
    jwt = signed({**BASE, "iat": NOW + 3600}, issuer_signer)
    _failed(_check(combine(jwt), issuer_signer), "not_yet_valid")


def test_expiry_within_leeway_is_accepted(issuer_signer) -> None:
    jwt = signed({**BASE, "exp": NOW - 30}, issuer_signer)
    assert _check(combine(jwt), issuer_signer).verified


# --- key binding ----------------------------------------------------------------------


def test_kb_required_but_absent_is_refused(issuer_signer, holder_signer) -> None:
    issued = _bound(issuer_signer, holder_signer)
    presentation = create_presentation(issued, [("given_name",)])
    _failed(_check(presentation, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_not_required_and_absent_is_accepted(issuer_signer, holder_signer) -> None:
    presentation = create_presentation(_bound(issuer_signer, holder_signer), [])
    result = _check(presentation, issuer_signer)
    assert result.verified
    assert "holder_binding" not in {c.code for c in result.checks}


@pytest.mark.parametrize(
    "change",
    [{"nonce": "another-nonce"}, {"aud": "https://other-verifier.example"}],
    ids=["wrong-nonce", "wrong-aud"],
)
def test_kb_transaction_mismatch_is_refused(issuer_signer, holder_signer, change) -> None:
    presentation = _present(_bound(issuer_signer, holder_signer), holder_signer, **change)
    _failed(_check(presentation, issuer_signer, require_key_binding=True), "holder_binding")


@pytest.mark.parametrize("iat", [NOW - 3600, NOW + 3600], ids=["stale-iat", "future-iat"])
def test_kb_iat_out_of_window_is_refused(issuer_signer, holder_signer, iat) -> None:
    presentation = _present(_bound(issuer_signer, holder_signer), holder_signer, iat=iat)
    _failed(_check(presentation, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_signed_by_another_key_is_refused(issuer_signer, holder_signer, other_signer) -> None:
    presentation = _present(_bound(issuer_signer, holder_signer), other_signer)
    _failed(_check(presentation, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_with_wrong_sd_hash_is_refused(issuer_signer, holder_signer) -> None:
    issued = _bound(issuer_signer, holder_signer)
    full = create_presentation(issued, [("given_name",)])
    kb_over_less = create_kb_jwt(
        create_presentation(issued, []), holder_signer, nonce=NONCE, aud=AUD, iat=NOW
    )
    _failed(_check(full + kb_over_less, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_with_disclosure_dropped_after_signing_is_refused(issuer_signer, holder_signer):
    presentation = _present(_bound(issuer_signer, holder_signer), holder_signer)
    jwt, _disclosure, kb = presentation.split("~")
    stripped = f"{jwt}~{kb}"
    _failed(_check(stripped, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_with_wrong_typ_is_refused(issuer_signer, holder_signer) -> None:
    issued = _bound(issuer_signer, holder_signer)
    hashed = create_presentation(issued, [("given_name",)])
    claims = {"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": b64_digest("sha-256", hashed)}
    kb_jwt = signed(claims, holder_signer, typ="jwt")
    _failed(_check(hashed + kb_jwt, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_required_without_cnf_is_refused(issuer_signer, holder_signer) -> None:
    issued = issue_sd_jwt({"iss": ISS, "given_name": SD("Erika")}, issuer_signer, typ="dc+sd-jwt")
    presentation = _present(issued.compact, holder_signer)
    _failed(_check(presentation, issuer_signer, require_key_binding=True), "holder_binding")


def test_kb_present_but_not_required_is_still_verified(
    issuer_signer, holder_signer, other_signer
) -> None:
    issued = _bound(issuer_signer, holder_signer)
    good = _check(_present(issued, holder_signer), issuer_signer)
    assert good.verified
    assert "holder_binding" in {c.code for c in good.checks}
    _failed(_check(_present(issued, other_signer), issuer_signer), "holder_binding")


def test_key_binding_needs_expected_nonce_and_audience(issuer_signer) -> None:
    with pytest.raises(ValueError, match="nonce"):
        check_sd_jwt(
            "x~",
            issuer_key=fixed_key(issuer_signer.public_key()),
            now=NOW,
            require_key_binding=True,
        )


# --- size limits and shape ------------------------------------------------------------


def test_oversized_input_is_refused(issuer_signer) -> None:
    jwt = signed(BASE, issuer_signer)
    padding = "~".join(["QUFB"] * 70_000)
    _failed(_check(combine(jwt, padding), issuer_signer), "malformed")


def test_too_many_disclosures_are_refused(issuer_signer) -> None:
    jwt = signed(BASE, issuer_signer)
    policy = SdJwtPolicy(max_disclosures=3)
    _failed(_check(combine(jwt, "QQ", "Qg", "Qw", "RA"), issuer_signer, policy=policy), "malformed")


@pytest.mark.parametrize(
    "text",
    ["", "no-tilde", "a.b.c", "~~", "a.b.c~~", 42, None, "é~"],
    ids=["empty", "no-tilde", "jwt-only", "tildes", "empty-disclosure", "int", "none", "utf8"],
)
def test_malformed_input_is_a_failed_check(issuer_signer, text) -> None:
    _failed(_check(text, issuer_signer), "malformed")


def test_raising_api_raises_credential_errors(issuer_signer) -> None:
    encoded, digest = raw_disclosure("salt-1", "given_name", "Erika")
    jwt = signed({**BASE, "_sd": [digest, digest]}, issuer_signer)
    with pytest.raises(DisclosureError):
        verify_sd_jwt(
            combine(jwt, encoded),
            issuer_key=fixed_key(issuer_signer.public_key()),
            now=NOW,
            require_key_binding=False,
        )
    with pytest.raises(HolderBindingError):
        verify_sd_jwt(
            combine(signed(BASE, issuer_signer)),
            issuer_key=fixed_key(issuer_signer.public_key()),
            now=NOW,
            require_key_binding=True,
            expected_nonce=NONCE,
            expected_aud=AUD,
        )
    with pytest.raises(CredentialError):
        verify_sd_jwt(
            "garbage",
            issuer_key=fixed_key(issuer_signer.public_key()),
            now=NOW,
            require_key_binding=False,
        )


def test_non_canonical_base64url_signature_is_refused(issuer_signer) -> None:
    jwt = signed(BASE, issuer_signer)
    assert _check(combine(jwt), issuer_signer).verified
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(jwt[-1])
    assert len(jwt.rsplit(".", 1)[1]) % 4 == 2
    twin = jwt[:-1] + alphabet[last | 0x01]
    _failed(_check(combine(twin), issuer_signer), "malformed")


@pytest.mark.parametrize("exp", [10**400, float("nan"), "tomorrow"], ids=["huge", "nan", "text"])
def test_exp_that_is_not_a_finite_numeric_date_is_malformed(issuer_signer, exp) -> None:
    payload = json.dumps({**BASE, "exp": exp}).encode()
    token = sign_compact({"typ": "dc+sd-jwt"}, payload, issuer_signer)
    _failed(_check(combine(token), issuer_signer), "malformed")


def test_kb_iat_out_of_float_range_is_refused(issuer_signer, holder_signer) -> None:
    issued = _bound(issuer_signer, holder_signer)
    presentation = _present(issued, holder_signer, iat=10**400)
    _failed(_check(presentation, issuer_signer, require_key_binding=True), "holder_binding")
