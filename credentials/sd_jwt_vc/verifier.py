"""Verifying an SD-JWT VC presentation (draft-ietf-oauth-sd-jwt-vc §3.4).

The SD-JWT checks of RFC 9901 (:mod:`credentials.sd_jwt.verifier`) with ``typ``
``dc+sd-jwt`` (``vc+sd-jwt`` accepted during the transition), then the data-model rules
of §3.2.2 as a ``data_model`` check. The issuer key comes from the injected resolver,
typically :func:`credentials.sd_jwt_vc.issuer_keys.issuer_key_resolver`.
"""

from __future__ import annotations

from credentials.errors import CredentialError
from credentials.result import VerificationResult
from credentials.sd_jwt.verifier import (
    DEFAULT_POLICY,
    IssuerKeyResolver,
    SdJwtPolicy,
    VerifiedSdJwt,
    check_sd_jwt,
    verify_sd_jwt,
)
from credentials.sd_jwt_vc.payload import check_payload


def check_sd_jwt_vc(
    presentation: object,
    *,
    issuer_key: IssuerKeyResolver,
    now: float,
    require_key_binding: bool,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    policy: SdJwtPolicy = DEFAULT_POLICY,
) -> VerificationResult:
    """Every check, reported; never raises on bad input. Claims only when verified."""
    result, verified = check_sd_jwt(
        presentation,
        issuer_key=issuer_key,
        now=now,
        require_key_binding=require_key_binding,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        policy=policy,
    )
    if verified is None:
        return result
    try:
        check_payload(verified.issuer_payload, verified.claims)
    except CredentialError as exc:
        result.fail("data_model", exc.detail)
        result.claims = {}
        return result
    result.passed("data_model")
    result.credential_types = [verified.claims["vct"]]
    return result


def verify_sd_jwt_vc(
    presentation: str,
    *,
    issuer_key: IssuerKeyResolver,
    now: float,
    require_key_binding: bool,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    policy: SdJwtPolicy = DEFAULT_POLICY,
) -> VerifiedSdJwt:
    """Like :func:`check_sd_jwt_vc` but raising a CredentialError at the first failure."""
    verified = verify_sd_jwt(
        presentation,
        issuer_key=issuer_key,
        now=now,
        require_key_binding=require_key_binding,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        policy=policy,
    )
    check_payload(verified.issuer_payload, verified.claims)
    return verified
