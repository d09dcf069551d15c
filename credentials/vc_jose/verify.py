"""Verifying ``vc+jwt`` credentials and ``vp+jwt`` presentations (VC-JOSE-COSE §5.1, §5.4).

§5.1: validate the JWT as RFC 7519 §7.2 says, then the decoded payload is the document.
Order of work, to process as little untrusted data as possible before the signature
(§5 "verifiers SHOULD strive to minimize the processing of untrusted data"):

1. decode under the :class:`JosePolicy` size limits; ``alg`` allow-listed (never
   ``none``), ``typ`` ``vc+jwt``/``vp+jwt`` (``application/`` prefix accepted), ``cty`` if
   present ``vc``/``vp``, ``crit`` honoured;
2. ``kid`` present and an absolute URL of the issuer (credential) or holder
   (presentation) — §4.1.1, §4.2; ``iss``, if present, equal to that party (§4.1.2);
3. the key from the injected resolver, then the signature;
4. only then the data model (VCDM 2.0, no ``vc``/``vp`` claims — §3.1.3), JWT time
   claims, the ``validFrom``/``validUntil`` window, and for presentations ``nonce``,
   ``aud``, each enveloped credential (verified the same way) and, on request, that the
   holder is the subject of every credential.

Nothing raises on bad input: every outcome is a check in a :class:`VerificationResult`.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from credentials.errors import (
    CredentialError,
    DataModelError,
    HolderBindingError,
    KeyResolutionError,
    MalformedError,
    SignatureError,
)
from credentials.jose import JosePolicy, KeyResolver, decode_compact, typ_matches
from credentials.jose.jws import DecodedJWS, check_header
from credentials.jose.jwt import check_time_claims
from credentials.keys import verify_raw
from credentials.result import VerificationResult
from credentials.vc_jose.media import (
    CTY_VC,
    CTY_VP,
    FORBIDDEN_CLAIMS,
    MEDIA_TYPE_VC,
    TYP_VC,
    TYP_VP,
    key_controller,
)
from credentials.vcdm import (
    ENVELOPED_CREDENTIAL,
    check_validity_window,
    data_model_version,
    holder_id,
    issuer_id,
    parse_data_url,
    subject_ids,
    types,
    validate_credential,
    validate_presentation,
)
from credentials.vcdm.values import as_list

#: Credentials a single presentation may carry before the rest are refused unverified.
MAX_CREDENTIALS: Final = 32

_DEFAULT_POLICY: Final = JosePolicy()


def _epoch(now: datetime | float) -> float:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.timestamp()
    return float(now)


def _decode(token: object, policy: JosePolicy, typ: str, cty: str) -> tuple[DecodedJWS, str]:
    """Steps 1-2 up to the payload: returns the decoded JWS and its ``kid``."""
    if not isinstance(token, str):
        raise MalformedError("a compact JWS must be a string")
    decoded = decode_compact(token, policy)
    check_header(decoded.header, policy, [typ])
    if "cty" in decoded.header and not typ_matches(decoded.header["cty"], [cty]):
        raise MalformedError(f"cty {decoded.header['cty']!r} is not {cty!r}")
    kid = decoded.header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise MalformedError("kid is required to find the signer's verification method")
    return decoded, kid


def _verify_signature(decoded: DecodedJWS, key_resolver: KeyResolver) -> None:
    """Step 3: the resolver must raise :class:`CredentialError` for an unknown key."""
    try:
        key = key_resolver(decoded.header)
    except (KeyError, LookupError, ValueError, TypeError) as exc:
        raise KeyResolutionError(f"no key for kid: {exc}") from None
    if not verify_raw(key, str(decoded.header["alg"]), decoded.signing_input, decoded.signature):
        raise SignatureError("signature does not verify")


def _bind_party(kid: str, party: str | None, role: str, claims: Mapping[str, Any]) -> None:
    """§4.1.2 / §4.2: ``iss`` and ``kid`` must both designate the issuer (or holder)."""
    code = SignatureError if role == "issuer" else HolderBindingError
    if party is None:
        raise DataModelError(f"the {role} is missing or has no id")
    if "iss" in claims and claims["iss"] != party:
        raise code(f"iss {claims['iss']!r} differs from the {role} {party!r}")
    if key_controller(kid) != party:
        raise code(f"kid {kid!r} is not a verification method of the {role} {party!r}")


def _data_model(result: VerificationResult, claims: Mapping[str, Any], kind: str) -> None:
    problems = (
        validate_credential(claims) if kind == "credential" else validate_presentation(claims)
    )
    details = [str(p) for p in problems]
    if data_model_version(claims) == "1.1":
        details.insert(0, f"vc+jwt/vp+jwt secure VCDM 2.0 {kind}s only")
    forbidden = sorted(FORBIDDEN_CLAIMS & claims.keys())
    if forbidden:
        details.append(f"JWT claims {forbidden} must not be present (VC-JOSE-COSE §3.1.3)")
    for detail in details:
        result.fail("data_model", detail)
    if not details:
        result.passed("data_model", f"well-formed VCDM 2.0 {kind}")


def _time(
    result: VerificationResult, claims: Mapping[str, Any], now: datetime | float, leeway: float
) -> None:
    before = len(result.failed)
    try:
        check_time_claims(claims, now=_epoch(now), leeway=leeway)
    except CredentialError as exc:
        result.fail_with(exc)
    unreadable = False
    for problem in check_validity_window(claims, now=now, leeway=leeway):
        if problem.code == "datetime":  # already a data_model failure; the window is unknown
            unreadable = True
        else:
            result.fail(problem.code, str(problem))
    if len(result.failed) == before and not unreadable:
        result.passed("expired", "within the validity period")
        result.passed("not_yet_valid", "within the validity period")


def verify_vc_jwt(
    token: object,
    *,
    key_resolver: KeyResolver,
    now: datetime | float,
    policy: JosePolicy = _DEFAULT_POLICY,
    leeway: float = 60,
) -> VerificationResult:
    """Verify a ``vc+jwt`` credential; ``claims`` is the credential when the signature holds.

    ``key_resolver`` maps the protected header (its ``kid``, a DID URL of the issuer) to
    a public key and raises :class:`CredentialError` when it knows none. ``now`` is an
    aware datetime or seconds since the epoch.
    """
    result = VerificationResult(format=TYP_VC)
    try:
        decoded, kid = _decode(token, policy, TYP_VC, CTY_VC)
        claims = decoded.payload_json()
        issuer = issuer_id(claims)
        _bind_party(kid, issuer, "issuer", claims)
        _verify_signature(decoded, key_resolver)
    except CredentialError as exc:
        result.fail_with(exc)
        return result
    result.passed("signature", f"signed by {kid}")
    result.issuer = issuer
    result.credential_types = types(claims)
    result.claims = claims
    result.extra["header"] = decoded.header
    _data_model(result, claims, "credential")
    _time(result, claims, now, leeway)
    return result


def _audience_matches(aud: object, expected: str) -> bool:
    values = aud if isinstance(aud, list) else [aud]
    return any(
        isinstance(v, str) and hmac.compare_digest(v.encode(), expected.encode()) for v in values
    )


def _holder_binding(
    result: VerificationResult,
    claims: Mapping[str, Any],
    expected_nonce: str | None,
    expected_audience: str | None,
) -> None:
    if expected_nonce is not None:
        nonce = claims.get("nonce")
        if isinstance(nonce, str) and hmac.compare_digest(nonce.encode(), expected_nonce.encode()):
            result.passed("holder_binding", "nonce matches")
        else:
            result.fail("holder_binding", "nonce is missing or does not match")
    if expected_audience is not None:
        if _audience_matches(claims.get("aud"), expected_audience):
            result.passed("holder_binding", "aud matches")
        else:
            result.fail("holder_binding", "aud is missing or does not name this verifier")


def _enveloped_jwt(item: object) -> str:
    """The compact ``vc+jwt`` inside an ``EnvelopedVerifiableCredential`` (VCDM 2.0 §4.13.1)."""
    if not isinstance(item, Mapping) or ENVELOPED_CREDENTIAL not in as_list(item.get("type")):
        raise MalformedError("credentials in a vp+jwt must be EnvelopedVerifiableCredential")
    try:
        media_type, text = parse_data_url(item.get("id"))
    except ValueError as exc:
        raise MalformedError(str(exc)) from None
    if not typ_matches(media_type, [MEDIA_TYPE_VC]):
        raise MalformedError(f"enveloped media type {media_type!r} is not {MEDIA_TYPE_VC}")
    return text


def verify_vp_jwt(
    token: object,
    *,
    key_resolver: KeyResolver,
    now: datetime | float,
    expected_nonce: str | None = None,
    expected_audience: str | None = None,
    require_holder_is_subject: bool = False,
    credential_key_resolver: KeyResolver | None = None,
    policy: JosePolicy = _DEFAULT_POLICY,
    leeway: float = 60,
) -> VerificationResult:
    """Verify a ``vp+jwt`` presentation and every ``vc+jwt`` it envelopes.

    The presentation must be signed by a key of its ``holder`` (or, without ``holder``,
    the signer's DID is taken as the holder). ``expected_nonce``/``expected_audience``,
    when given, must equal the ``nonce`` claim and appear in ``aud``. With
    ``require_holder_is_subject`` every credential must name the holder as a
    ``credentialSubject.id``. Each credential's outcome is in ``extra["credentials"]``
    and its failures are repeated, prefixed by its index, in this result's checks.
    """
    result = VerificationResult(format=TYP_VP)
    try:
        decoded, kid = _decode(token, policy, TYP_VP, CTY_VP)
        claims = decoded.payload_json()
        holder = holder_id(claims) if "holder" in claims else key_controller(kid)
        _bind_party(kid, holder, "holder", claims)
        _verify_signature(decoded, key_resolver)
    except CredentialError as exc:
        result.fail_with(exc)
        return result
    result.passed("signature", f"signed by {kid}")
    result.claims = claims
    result.credential_types = types(claims)
    result.extra["holder"] = holder
    result.extra["header"] = decoded.header
    _data_model(result, claims, "presentation")
    _time(result, claims, now, leeway)
    _holder_binding(result, claims, expected_nonce, expected_audience)
    nested: list[dict[str, Any]] = []
    items = as_list(claims.get("verifiableCredential", []))
    for index, item in enumerate(items):
        where = f"verifiableCredential[{index}]"
        if index >= MAX_CREDENTIALS:
            result.fail("malformed", f"{where}: more than {MAX_CREDENTIALS} credentials")
            break
        try:
            inner = _enveloped_jwt(item)
        except CredentialError as exc:
            result.fail(exc.code, f"{where}: {exc.detail}")
            continue
        outcome = verify_vc_jwt(
            inner,
            key_resolver=credential_key_resolver or key_resolver,
            now=now,
            policy=policy,
            leeway=leeway,
        )
        nested.append(outcome.to_json())
        for check in outcome.failed:
            result.fail(check.code, f"{where}: {check.detail}")
        if outcome.verified:
            result.passed("credential", f"{where} issued by {outcome.issuer} verifies")
        if require_holder_is_subject and outcome.claims:
            if holder in subject_ids(outcome.claims):
                result.passed("holder_binding", f"{where}: the holder is its subject")
            else:
                result.fail("holder_binding", f"{where}: the holder {holder!r} is not a subject")
    result.extra["credentials"] = nested
    return result
