"""The Key Binding JWT (RFC 9901 §4.3) and its verification (§7.3).

The holder signs ``{"iat", "aud", "nonce", "sd_hash"}`` with ``typ: kb+jwt``, where
``sd_hash`` is the digest, under the SD-JWT's ``_sd_alg``, of the presentation "up to and
including the last ``~``" (§4.3.1). The verifier checks the signature with the key in the
issuer-signed ``cnf`` claim (RFC 7800 ``jwk`` only), the ``typ``, the ``sd_hash``, and that
``nonce`` and ``aud`` are the ones of this transaction and ``iat`` is recent (§7.3 step 5:
"the creation time of the Key Binding JWT, as determined by the iat claim, is within an
acceptable window").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

from credentials.errors import CredentialError, HolderBindingError
from credentials.jose import JosePolicy, check_time_claims, decode_compact, sign_compact
from credentials.jose.jws import check_header
from credentials.keys import PublicKey, Signer, public_key_from_jwk, verify_raw
from credentials.sd_jwt.constants import DEFAULT_SD_ALG, KB_JWT_TYP, SD_HASH_KEY
from credentials.sd_jwt.digest import b64_digest

#: How old a KB-JWT may be, in seconds, before it is refused (plus the leeway).
DEFAULT_KB_MAX_AGE: Final = 300

_KB_TYP: Final = (KB_JWT_TYP,)


def create_kb_jwt(
    hashed_part: str,
    signer: Signer,
    *,
    nonce: str,
    aud: str,
    iat: int,
    sd_alg: str = DEFAULT_SD_ALG,
) -> str:
    """Sign a KB-JWT over ``hashed_part`` (``<JWT>~<D1>~...~<Dn>~``)."""
    claims = {"iat": iat, "aud": aud, "nonce": nonce, SD_HASH_KEY: b64_digest(sd_alg, hashed_part)}
    return sign_compact({"typ": KB_JWT_TYP}, claims, signer)


def holder_key(cnf: object) -> PublicKey:
    """The holder's public key from ``cnf`` (RFC 7800 §3.2, ``jwk`` confirmation method)."""
    if not isinstance(cnf, Mapping):
        raise HolderBindingError("the SD-JWT has no cnf claim to bind a holder key")
    jwk = cnf.get("jwk")
    if not isinstance(jwk, Mapping):
        raise HolderBindingError("cnf does not carry a jwk")
    members = tuple(sorted((k, v) for k, v in jwk.items() if isinstance(v, str)))
    try:
        return _cached_key(members)
    except CredentialError as exc:
        raise HolderBindingError(f"cnf.jwk is not usable: {exc.detail}") from None


@lru_cache(maxsize=256)
def _cached_key(members: tuple[tuple[str, str], ...]) -> PublicKey:
    """Loading a point costs as much as a third of a verification; holders repeat."""
    return public_key_from_jwk(dict(members))


def verify_kb_jwt(
    kb_jwt: str,
    *,
    hashed_part: str,
    sd_alg: str,
    cnf: object,
    policy: JosePolicy,
    now: float,
    expected_nonce: str | None,
    expected_aud: str | None,
    leeway: float = 60,
    max_age: float = DEFAULT_KB_MAX_AGE,
) -> dict[str, Any]:
    """Verify a KB-JWT and return its claims; every failure is a HolderBindingError.

    ``expected_nonce`` / ``expected_aud`` set to ``None`` still require the claims to be
    present strings but cannot tie them to a transaction: only callers that did not ask
    for key binding (and verify a KB-JWT that came anyway) should pass ``None``.
    """
    try:
        decoded = decode_compact(kb_jwt, policy)
        alg = check_header(decoded.header, policy, _KB_TYP)
    except CredentialError as exc:
        raise HolderBindingError(f"KB-JWT: {exc.detail}") from None
    key = holder_key(cnf)
    if not verify_raw(key, alg, decoded.signing_input, decoded.signature):
        raise HolderBindingError("KB-JWT signature does not verify with the cnf key")
    try:
        claims = json.loads(decoded.payload)
    except (ValueError, RecursionError):
        raise HolderBindingError("KB-JWT payload is not JSON") from None
    if not isinstance(claims, dict):
        raise HolderBindingError("KB-JWT payload is not a JSON object")
    nonce, aud, sd_hash = claims.get("nonce"), claims.get("aud"), claims.get(SD_HASH_KEY)
    if not isinstance(nonce, str) or (expected_nonce is not None and nonce != expected_nonce):
        raise HolderBindingError("KB-JWT nonce does not match this transaction")
    if not isinstance(aud, str) or (expected_aud is not None and aud != expected_aud):
        raise HolderBindingError("KB-JWT aud is not this verifier")
    if not isinstance(sd_hash, str) or sd_hash != b64_digest(sd_alg, hashed_part):
        raise HolderBindingError("KB-JWT sd_hash does not match the presented SD-JWT")
    try:
        check_time_claims(claims, now=now, leeway=leeway, require=("iat",), max_age=max_age)
    except CredentialError as exc:
        raise HolderBindingError(f"KB-JWT {exc.detail}") from None
    return claims
