"""Securing credentials as ``vc+jwt`` and presentations as ``vp+jwt`` (VC-JOSE-COSE §3.1).

§3.1.1: "The unsecured verifiable credential is the unencoded JWS payload": the claims set
*is* the credential, with no ``vc`` wrapper. §3.1.3: ``iat``/``exp``, when present, "represent
the issuance and expiration time of the signature" and are distinct from
``validFrom``/``validUntil``, so they are never derived from them here; ``nbf`` is "NOT
RECOMMENDED" and never emitted; ``iss``/``jti``/``sub`` are left out rather than risk
values that conflict with ``issuer``/``id``/``credentialSubject.id``.

Presentations carry ``nonce`` and ``aud`` for holder binding, as OpenID4VP 1.0 does for
``jwt_vc_json`` presentations (Appendix B.1, example ``response/jwt_vc.json``), and
their credentials as ``EnvelopedVerifiableCredential`` objects (§3.1.2: credentials in
presentations "MUST use the Enveloped Verifiable Credential type").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from credentials.errors import DataModelError, KeyResolutionError
from credentials.jose import sign_jwt
from credentials.keys import Signer
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
    CREDENTIALS_V2_CONTEXT,
    VERIFIABLE_PRESENTATION,
    data_model_version,
    envelope_credential,
    holder_id,
    issuer_id,
    validate_credential,
    validate_presentation,
)


def _time_claims(issued_at: int | None, expires_at: int | None) -> dict[str, int]:
    claims: dict[str, int] = {}
    if issued_at is not None:
        claims["iat"] = int(issued_at)
    if expires_at is not None:
        claims["exp"] = int(expires_at)
    return claims


def _refuse_problems(kind: str, document: Mapping[str, Any], problems: list[Any]) -> None:
    if FORBIDDEN_CLAIMS & document.keys():
        raise DataModelError(f"a {kind} secured with JOSE must not carry vc or vp claims")
    if data_model_version(document) != "2.0":
        raise DataModelError(f"vc+jwt and vp+jwt secure VCDM 2.0 {kind}s only")
    if problems:
        raise DataModelError("; ".join(str(p) for p in problems))


def _check_kid(signer: Signer, party: str | None, role: str) -> None:
    if party is None or key_controller(signer.kid) != party:
        raise KeyResolutionError(
            f"signer kid {signer.kid!r} is not a verification method of the {role} {party!r}"
        )


def sign_vc_jwt(
    credential: Mapping[str, Any],
    signer: Signer,
    *,
    issued_at: int | None = None,
    expires_at: int | None = None,
) -> str:
    """Secure a VCDM 2.0 credential as a compact ``vc+jwt``.

    The protected header is ``{alg, kid, typ: vc+jwt, cty: vc}`` with ``alg`` and ``kid``
    from ``signer``, whose ``kid`` must be a DID URL (or URL) of the credential's issuer.
    Raises :class:`DataModelError` for an ill-formed credential and
    :class:`KeyResolutionError` when the signer does not speak for the issuer.
    """
    _refuse_problems("credential", credential, validate_credential(credential))
    _check_kid(signer, issuer_id(credential), "issuer")
    header = {"alg": signer.algorithm, "kid": signer.kid, "typ": TYP_VC, "cty": CTY_VC}
    return sign_jwt(header, {**credential, **_time_claims(issued_at, expires_at)}, signer)


def build_presentation(
    credentials: Sequence[str | Mapping[str, Any]],
    *,
    holder: str | None = None,
    presentation_id: str | None = None,
    contexts: Sequence[str | Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An unsecured VCDM 2.0 presentation of ``vc+jwt`` credentials, each enveloped.

    A string is a compact ``vc+jwt`` and is wrapped in an ``EnvelopedVerifiableCredential``;
    a mapping is taken as an already enveloped credential object.
    """
    presentation: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_CONTEXT, *contexts],
        "type": [VERIFIABLE_PRESENTATION],
    }
    if presentation_id is not None:
        presentation["id"] = presentation_id
    if holder is not None:
        presentation["holder"] = holder
    presentation["verifiableCredential"] = [
        envelope_credential(item, MEDIA_TYPE_VC) if isinstance(item, str) else dict(item)
        for item in credentials
    ]
    return presentation


def sign_vp_jwt(
    presentation: Mapping[str, Any],
    signer: Signer,
    *,
    nonce: str | None = None,
    audience: str | Sequence[str] | None = None,
    issued_at: int | None = None,
    expires_at: int | None = None,
) -> str:
    """Secure a VCDM 2.0 presentation as a compact ``vp+jwt`` signed by its holder.

    Header ``{alg, kid, typ: vp+jwt, cty: vp}``. ``nonce`` and ``aud`` (the verifier's
    challenge and client identifier) are added as JWT claims. When the presentation names
    a ``holder``, ``signer.kid`` must be one of the holder's keys.
    """
    _refuse_problems("presentation", presentation, validate_presentation(presentation))
    holder = holder_id(presentation)
    if holder is not None:
        _check_kid(signer, holder, "holder")
    claims: dict[str, Any] = {**presentation, **_time_claims(issued_at, expires_at)}
    if nonce is not None:
        claims["nonce"] = nonce
    if audience is not None:
        claims["aud"] = audience if isinstance(audience, str) else list(audience)
    header = {"alg": signer.algorithm, "kid": signer.kid, "typ": TYP_VP, "cty": CTY_VP}
    return sign_jwt(header, claims, signer)
