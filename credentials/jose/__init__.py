"""JOSE as used by every JWT-based format here (RFC 7515 JWS, RFC 7519 JWT, RFC 8725 BCP).

Signing goes through :class:`credentials.keys.Signer`, so keys never leave their store.
Verification applies a :class:`JosePolicy`: an algorithm allow-list (never ``none``, never
HMAC), an explicit ``typ`` per token kind, ``crit`` honoured, and size caps. The key is
never taken from the token itself: a caller-supplied resolver maps the protected header
(``kid``, ``x5c``…) to a public key along the path the format defines.
"""

from credentials.jose.jws import (
    DecodedJWS,
    KeyResolver,
    decode_compact,
    sign_compact,
    verify_compact,
)
from credentials.jose.jwt import check_time_claims, sign_jwt, verify_jwt
from credentials.jose.policy import DEFAULT_ALGORITHMS, JosePolicy, typ_matches

__all__ = [
    "DEFAULT_ALGORITHMS",
    "DecodedJWS",
    "JosePolicy",
    "KeyResolver",
    "check_time_claims",
    "decode_compact",
    "sign_compact",
    "sign_jwt",
    "typ_matches",
    "verify_compact",
    "verify_jwt",
]
