"""DPoP proofs (RFC 9449): checking one, and remembering its ``jti``.

RFC 9449 §4.3 lists the checks: a single well-formed JWT in the ``DPoP`` header; ``typ``
``dpop+jwt``; an asymmetric, allow-listed ``alg``; a signature verifying with the public
``jwk`` of the header (which "MUST NOT contain a private key"); ``htm`` and ``htu`` matching
the request (``htu`` compared without query and fragment); a recent ``iat``; when an access
token is presented, ``ath`` equal to its SHA-256 (base64url); ``jti`` not seen before
(§11.1: "the server MUST NOT accept a DPoP proof with a jti value it has already seen within
the time window").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from credentials import multiformats as mf
from credentials.errors import CredentialError
from credentials.jose import JosePolicy, verify_jwt
from credentials.keys import jwk_thumbprint, public_key_from_jwk
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.errors import InvalidDpopProof
from issuer.oid4vci.models import DpopJtiRow

DPOP_TYP: Final = "dpop+jwt"


@dataclass(frozen=True, slots=True)
class DpopProof:
    """A verified DPoP proof: the key's RFC 7638 thumbprint (``jkt``) and its ``jti``."""

    jkt: str
    jwk: dict[str, Any]
    jti: str


def normalise_htu(url: str) -> str:
    """Scheme and host lower-cased, query and fragment dropped (RFC 9449 §4.3 step 9)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", "", ""))


def access_token_hash(access_token: str) -> str:
    """``ath``: "The base64url-encoded SHA-256 hash of the ASCII encoding of the associated
    access token's value" (RFC 9449 §4.2)."""
    return mf.b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest())


def _header_key(header: Any) -> Any:
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        raise InvalidDpopProof("the DPoP proof header has no jwk")
    return public_key_from_jwk(jwk)


def verify_dpop_proof(
    ctx: Oid4vciContext,
    proofs: list[str],
    *,
    method: str,
    url: str,
    access_token: str | None = None,
) -> DpopProof:
    """Check the ``DPoP`` header values of one request; raise :class:`InvalidDpopProof`."""
    if len(proofs) != 1:
        raise InvalidDpopProof("exactly one DPoP header is required")
    now = ctx.now()
    policy = JosePolicy(algorithms=frozenset(ctx.config.dpop_algorithms), max_token_bytes=8192)
    try:
        header, claims = verify_jwt(
            proofs[0],
            policy=policy,
            typ=[DPOP_TYP],
            key_resolver=_header_key,
            now=now,
            leeway=ctx.config.leeway,
            require=("jti", "htm", "htu", "iat"),
            allow_key_headers=("jwk",),
        )
    except CredentialError as exc:
        raise InvalidDpopProof(f"DPoP proof rejected: {exc}") from None
    if header.get("typ") != DPOP_TYP:
        raise InvalidDpopProof("DPoP proof typ must be dpop+jwt")
    jti = claims["jti"]
    if not isinstance(jti, str) or not 8 <= len(jti) <= 256:
        raise InvalidDpopProof("DPoP proof jti must be a string of 8 to 256 characters")
    if claims["htm"] != method.upper():
        raise InvalidDpopProof("DPoP proof htm does not match the request method")
    if not isinstance(claims["htu"], str) or normalise_htu(claims["htu"]) != normalise_htu(url):
        raise InvalidDpopProof("DPoP proof htu does not match the request URL")
    iat = claims["iat"]
    if not isinstance(iat, int | float) or abs(now - iat) > ctx.config.dpop_max_age:
        raise InvalidDpopProof("DPoP proof iat is outside the acceptable window")
    if access_token is not None:
        if claims.get("ath") != access_token_hash(access_token):
            raise InvalidDpopProof("DPoP proof ath does not match the access token")
    elif "ath" in claims:
        raise InvalidDpopProof("DPoP proof carries ath but no access token was presented")
    jwk = dict(header["jwk"])
    remember_jti(ctx, jti, jkt := jwk_thumbprint(jwk), now)
    return DpopProof(jkt=jkt, jwk=jwk, jti=jti)


def remember_jti(ctx: Oid4vciContext, jti: str, jkt: str, now: float) -> None:
    """Record ``jti`` (scoped to the key) in its own transaction; a second sighting fails.

    The primary key makes the check atomic across processes: of two concurrent inserts of
    the same value, one commits and the other gets an integrity error.
    """
    key = digest(f"{jkt}:{jti}")
    try:
        with ctx.transaction() as session:
            session.add(DpopJtiRow(jti_hash=key, expires_at=now + 2 * ctx.config.dpop_max_age))
    except IntegrityError:
        raise InvalidDpopProof("DPoP proof jti has already been used") from None


def purge_expired_jti(ctx: Oid4vciContext) -> int:
    """Forget ``jti`` values whose ``iat`` window is over; returns how many."""
    with ctx.transaction() as session:
        result = session.execute(delete(DpopJtiRow).where(DpopJtiRow.expires_at < ctx.now()))
        return int(getattr(result, "rowcount", 0) or 0)
