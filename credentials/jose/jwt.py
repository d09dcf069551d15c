"""JWT claims (RFC 7519 §4.1) and time checks with an injected clock."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from credentials.errors import ExpiredError, MalformedError, NotYetValidError
from credentials.jose.jws import KeyResolver, sign_compact, verify_compact
from credentials.jose.policy import JosePolicy
from credentials.keys import Signer

#: Upper bound on the leeway any caller may configure, in seconds.
MAX_LEEWAY = 300


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedError(f"{name} must be a NumericDate")
    try:
        number = float(value)
    except OverflowError:
        raise MalformedError(f"{name} is out of range") from None
    if not math.isfinite(number):
        raise MalformedError(f"{name} must be a finite NumericDate")
    return number


def check_time_claims(
    claims: Mapping[str, Any],
    *,
    now: float,
    leeway: float = 60,
    require: Iterable[str] = (),
    max_age: float | None = None,
) -> None:
    """Check ``exp``, ``nbf`` and ``iat`` against ``now`` (seconds since the epoch).

    RFC 7519 §4.1.4: the token "MUST NOT be accepted for processing" on or after ``exp``;
    §4.1.5: nor before ``nbf``. An ``iat`` in the future beyond the leeway is refused, and
    ``max_age`` bounds how old ``iat`` may be (freshness of proofs and KB-JWTs).
    """
    leeway = min(max(leeway, 0), MAX_LEEWAY)
    for name in require:
        if name not in claims:
            raise MalformedError(f"claim {name!r} is required")
    exp = _numeric_date(claims, "exp")
    nbf = _numeric_date(claims, "nbf")
    iat = _numeric_date(claims, "iat")
    if exp is not None and now >= exp + leeway:
        raise ExpiredError("token has expired")
    if nbf is not None and now < nbf - leeway:
        raise NotYetValidError("token is not yet valid (nbf)")
    if iat is not None and iat > now + leeway:
        raise NotYetValidError("token was issued in the future (iat)")
    if max_age is not None:
        if iat is None:
            raise MalformedError("claim 'iat' is required")
        if now - iat > max_age + leeway:
            raise ExpiredError("token is too old (iat)")


def sign_jwt(header: Mapping[str, Any], claims: Mapping[str, Any], signer: Signer) -> str:
    return sign_compact(header, claims, signer)


def verify_jwt(
    token: str,
    *,
    policy: JosePolicy,
    typ: Iterable[str] | None,
    key_resolver: KeyResolver,
    now: float,
    leeway: float = 60,
    require: Iterable[str] = (),
    allow_key_headers: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a JWT's signature and time claims; returns ``(header, claims)``."""
    decoded = verify_compact(
        token,
        policy=policy,
        typ=typ,
        key_resolver=key_resolver,
        allow_key_headers=allow_key_headers,
    )
    claims = decoded.payload_json()
    check_time_claims(claims, now=now, leeway=leeway, require=require)
    return decoded.header, claims
