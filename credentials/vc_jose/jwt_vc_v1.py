"""Decoding VCDM 1.1 JWT-encoded credentials (OpenID4VC format ``jwt_vc_json``).

VCDM 1.1 §6.3.1 (https://www.w3.org/TR/vc-data-model/#jwt-decoding): the credential sits
in the ``vc`` claim (the presentation in ``vp``) and registered claims replace properties:
``iss`` → ``issuer`` (``holder`` for a presentation), ``nbf`` → ``issuanceDate``, ``exp`` →
``expirationDate``, ``jti`` → ``id``, ``sub`` → ``credentialSubject.id``. This is the form
OpenID4VCI 1.0 Appendix A.1 and OpenID4VP 1.0 Appendix B.1 still show; VC-JOSE-COSE
forbids these claims for VCDM 2.0, so this module only reads them (no signing here).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from credentials.errors import MalformedError
from credentials.vcdm.values import format_date_time


def _date(claims: Mapping[str, Any], name: str) -> str:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedError(f"{name} must be a NumericDate")
    try:
        return format_date_time(datetime.fromtimestamp(value, UTC))
    except (OverflowError, OSError, ValueError):
        raise MalformedError(f"{name} is out of range") from None


def _wrapped(claims: Mapping[str, Any], name: str) -> dict[str, Any]:
    inner = claims.get(name)
    if not isinstance(inner, Mapping):
        raise MalformedError(f"a VCDM 1.1 JWT carries the document in a {name!r} object")
    return copy.deepcopy(dict(inner))


def _set_party(document: dict[str, Any], name: str, value: Any) -> None:
    current = document.get(name)
    if isinstance(current, dict):
        current["id"] = value
    else:
        document[name] = value


def credential_from_jwt_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The VCDM 1.1 credential a ``jwt_vc_json`` claims set encodes (§6.3.1 decoding)."""
    credential = _wrapped(claims, "vc")
    if "iss" in claims:
        _set_party(credential, "issuer", claims["iss"])
    if "nbf" in claims:
        credential["issuanceDate"] = _date(claims, "nbf")
    if "exp" in claims:
        credential["expirationDate"] = _date(claims, "exp")
    if "jti" in claims:
        credential["id"] = claims["jti"]
    subject = credential.get("credentialSubject")
    if "sub" in claims and isinstance(subject, dict):
        subject["id"] = claims["sub"]
    return credential


def presentation_from_jwt_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The VCDM 1.1 presentation a JWT ``vp`` claims set encodes (§6.3.1 decoding)."""
    presentation = _wrapped(claims, "vp")
    if "iss" in claims:
        _set_party(presentation, "holder", claims["iss"])
    if "jti" in claims:
        presentation["id"] = claims["jti"]
    return presentation
