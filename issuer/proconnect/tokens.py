"""Validation of the id_token (OIDC Core 1.0 §3.1.3.7) and of a signed userinfo (§5.3.2).

Signatures are checked with joserfc against the provider's JWKS, with an explicit
allow-list (``ES256``, ``RS256``): ``none`` and HMAC are refused before any key lookup, so
a token cannot pick its own verification method. The key is chosen by the header's ``kid``
from the provider's JWKS only (``jwk``, ``jku``, ``x5u`` headers are refused).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from issuer.proconnect.constants import SIGNING_ALGORITHMS
from issuer.proconnect.errors import InvalidIdTokenError, InvalidUserinfoError, OIDCError
from issuer.proconnect.metadata import Key

KeyLookup = Callable[[str | None, str], Awaitable[Key | None]]

MAX_TOKEN_BYTES = 16 * 1024
#: Clock skew tolerated on ``exp`` and ``iat``, in seconds.
LEEWAY = 60
#: How old an id_token's ``iat`` may be when it reaches the callback, in seconds.
MAX_ID_TOKEN_AGE = 600
_KEY_HEADERS = frozenset({"jwk", "jku", "x5u", "x5c"})


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    header: dict[str, Any]
    claims: dict[str, Any]


async def verify_signature(token: str, keys: KeyLookup, error: type[OIDCError]) -> VerifiedToken:
    """Check the JWS signature against the provider's key for the header's ``kid``."""
    if len(token) > MAX_TOKEN_BYTES:
        raise error("token too large")
    try:
        header = extract_compact(token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError):
        raise error("token is not a compact JWS") from None
    alg = header.get("alg")
    if alg not in SIGNING_ALGORITHMS:
        raise error(f"signature algorithm {alg!r} is not accepted (allowed: ES256, RS256)")
    if _KEY_HEADERS & header.keys():
        raise error("token names its own key; only the provider's JWKS is trusted")
    if header.get("crit"):
        raise error("unsupported critical header parameters")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise error("kid must be a string")
    key = await keys(kid, alg)
    if key is None:
        raise error("no key of the provider matches the token's kid")
    try:
        decoded = jwt.decode(token, key, algorithms=[alg])
    except (JoseError, ValueError):
        raise error("signature does not verify with the provider's key") from None
    return VerifiedToken(dict(decoded.header), dict(decoded.claims))


def access_token_hash(access_token: str, alg: str) -> str:
    """``at_hash`` (OIDC Core §3.1.3.6): left half of the hash of the ASCII access token,
    base64url-encoded; SHA-256 for ES256 and RS256."""
    if alg not in SIGNING_ALGORITHMS:
        raise ValueError(f"no at_hash hash for {alg}")
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def _audience_ok(claims: dict[str, Any], client_id: str) -> bool:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return aud == client_id
    if isinstance(aud, list) and client_id in aud:
        # §3.1.3.7 items 4–5: with several audiences, azp must be present and be us.
        return len(aud) == 1 or claims.get("azp") == client_id
    return False


def _number(claims: dict[str, Any], name: str, error: type[OIDCError]) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"claim {name!r} is missing or not a NumericDate")
    return float(value)


async def verify_id_token(
    token: str,
    *,
    keys: KeyLookup,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float,
    access_token: str | None = None,
) -> VerifiedToken:
    """Validate an id_token per OIDC Core §3.1.3.7 and return its header and claims.

    Checks, in order: signature with an allowed algorithm (items 6–8); ``iss`` equal to the
    provider's issuer (item 2); ``aud``/``azp`` (items 3–5); ``exp`` (item 9); ``iat`` not
    in the future and not older than :data:`MAX_ID_TOKEN_AGE` (item 10); ``nonce`` equal to
    the one sent (item 11: "The Client MUST check that the nonce Claim Value is equal to the
    value of the nonce parameter sent in the Authentication Request"); ``at_hash`` when
    present (§3.1.3.8).
    """
    verified = await verify_signature(token, keys, InvalidIdTokenError)
    claims = verified.claims
    if claims.get("iss") != issuer:
        raise InvalidIdTokenError("iss is not the provider's issuer")
    if not _audience_ok(claims, client_id):
        raise InvalidIdTokenError("aud does not designate this client")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise InvalidIdTokenError("sub is missing")
    if now >= _number(claims, "exp", InvalidIdTokenError) + LEEWAY:
        raise InvalidIdTokenError("id_token has expired")
    iat = _number(claims, "iat", InvalidIdTokenError)
    if iat > now + LEEWAY:
        raise InvalidIdTokenError("id_token was issued in the future")
    if now - iat > MAX_ID_TOKEN_AGE + LEEWAY:
        raise InvalidIdTokenError("id_token is too old")
    received = claims.get("nonce")
    if not isinstance(received, str) or not hmac.compare_digest(received.encode(), nonce.encode()):
        raise InvalidIdTokenError("nonce does not match the login request")
    at_hash = claims.get("at_hash")
    if at_hash is not None and access_token is not None:
        expected = access_token_hash(access_token, verified.header["alg"])
        if not isinstance(at_hash, str) or not hmac.compare_digest(
            at_hash.encode(), expected.encode()
        ):
            raise InvalidIdTokenError("at_hash does not match the access token")
    acr = claims.get("acr")
    if acr is not None and not isinstance(acr, str):
        raise InvalidIdTokenError("acr must be a string")
    amr = claims.get("amr")
    if amr is not None and not (isinstance(amr, list) and all(isinstance(a, str) for a in amr)):
        raise InvalidIdTokenError("amr must be an array of strings")
    return verified


async def verify_userinfo_jwt(
    token: str,
    *,
    keys: KeyLookup,
    issuer: str,
    client_id: str,
    sub: str,
    now: float,
) -> dict[str, Any]:
    """Validate a signed userinfo response (OIDC Core §5.3.2).

    "If signed, the UserInfo Response MUST contain the Claims iss (issuer) and aud
    (audience) as members. The iss value MUST be the OP's Issuer Identifier URL. The aud
    value MUST be or include the RP's Client ID value." The ``sub`` "MUST be verified to
    exactly match the sub Claim in the ID Token".
    """
    claims = (await verify_signature(token, keys, InvalidUserinfoError)).claims
    if claims.get("iss") != issuer:
        raise InvalidUserinfoError("userinfo iss is not the provider's issuer")
    if not _audience_ok(claims, client_id):
        raise InvalidUserinfoError("userinfo aud does not designate this client")
    if "exp" in claims and now >= _number(claims, "exp", InvalidUserinfoError) + LEEWAY:
        raise InvalidUserinfoError("userinfo has expired")
    return check_userinfo_subject(claims, sub)


def check_userinfo_subject(claims: Any, sub: str) -> dict[str, Any]:
    if not isinstance(claims, dict):
        raise InvalidUserinfoError("userinfo is not a JSON object")
    if claims.get("sub") != sub:
        raise InvalidUserinfoError("userinfo sub differs from the id_token's (OIDC Core §5.3.2)")
    return claims
