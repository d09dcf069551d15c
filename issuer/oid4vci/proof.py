"""The ``jwt`` key proof (OpenID4VCI 1.0 Appendix F.1) and its verification (F.4).

Header: ``typ`` "MUST be ``openid4vci-proof+jwt``"; ``alg`` "MUST NOT be ``none`` or an
identifier for a symmetric algorithm (MAC)"; ``kid`` (a DID URL, here did:key or did:jwk)
"MUST NOT be present if ``jwk`` or ``x5c`` is present", ``jwk`` likewise; ``x5c``, ``jku``
and ``x5u`` are not accepted here. Claims: ``aud`` "REQUIRED … the value of which is the
Credential Issuer Identifier"; ``iat`` "REQUIRED"; ``nonce`` — "the value of type string of
the ``c_nonce`` provided by the Credential Issuer" — required because this issuer has a
Nonce Endpoint; ``iss`` is the client's ``client_id`` and is omitted by anonymous clients.
The key may not be a private key (public JWK members only).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from credentials.did.jwk import JwkMethod
from credentials.did.key import KeyMethod
from credentials.did.resolver import DidResolver
from credentials.did.syntax import parse_did_url
from credentials.errors import CredentialError
from credentials.jose import JosePolicy, decode_compact, verify_jwt
from credentials.keys import PublicKey, jwk_thumbprint, public_jwk, public_key_from_jwk
from issuer.oid4vci.context import HolderKey
from issuer.oid4vci.errors import InvalidProof

PROOF_TYP: Final = "openid4vci-proof+jwt"
MAX_PROOF_BYTES: Final = 16 * 1024


@dataclass(frozen=True, slots=True)
class VerifiedProof:
    """A key proof that passed every check except the nonce's freshness (consumed later)."""

    holder: HolderKey
    nonce: str


def holder_did_resolver() -> DidResolver:
    """did:key and did:jwk only: both resolve offline, nothing is fetched."""
    return DidResolver({"key": KeyMethod(), "jwk": JwkMethod()}, clock=time.time)


class _KeyFinder:
    """Resolves the proof's key and remembers how it was named."""

    def __init__(self, resolver: DidResolver) -> None:
        self._resolver = resolver
        self.key: PublicKey | None = None
        self.did: str | None = None
        self.kid: str | None = None

    def __call__(self, header: Mapping[str, Any]) -> PublicKey:
        if "jwk" in header:
            jwk = header["jwk"]
            if not isinstance(jwk, dict):
                raise InvalidProof("jwk must be a JSON object")
            self.key = public_key_from_jwk(jwk)
            return self.key
        kid = header["kid"]
        self.key = self._resolver.jose_key_resolver("authentication")(header)
        self.did = parse_did_url(kid).did
        self.kid = kid
        return self.key


def verify_key_proof(
    proof: object,
    *,
    credential_issuer: str,
    client_id: str | None,
    algorithms: tuple[str, ...],
    now: float,
    max_age: int,
    leeway: int,
    resolver: DidResolver,
) -> VerifiedProof:
    """Check one ``jwt`` proof; raise :class:`InvalidProof` naming the failed rule."""
    if not isinstance(proof, str):
        raise InvalidProof("each jwt proof must be a compact JWT string")
    policy = JosePolicy(algorithms=frozenset(algorithms), max_token_bytes=MAX_PROOF_BYTES)
    try:
        header = decode_compact(proof, policy).header
    except CredentialError as exc:
        raise InvalidProof(f"key proof is malformed: {exc}") from None
    if header.get("typ") != PROOF_TYP:
        raise InvalidProof(f"key proof typ must be {PROOF_TYP}")
    named = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(named) != 1:
        raise InvalidProof("key proof header needs exactly one of kid and jwk")
    if named[0] == "x5c":
        raise InvalidProof("x5c key proofs are not supported by this issuer")
    if named[0] == "kid" and not isinstance(header["kid"], str):
        raise InvalidProof("kid must be a DID URL string")
    if named[0] == "kid" and not str(header["kid"]).startswith(("did:key:", "did:jwk:")):
        raise InvalidProof("kid must be a did:key or did:jwk DID URL")
    finder = _KeyFinder(resolver)
    try:
        _, claims = verify_jwt(
            proof,
            policy=policy,
            typ=[PROOF_TYP],
            key_resolver=finder,
            now=now,
            leeway=leeway,
            require=("aud", "iat"),
            allow_key_headers=("jwk",),
        )
    except InvalidProof:
        raise
    except CredentialError as exc:
        raise InvalidProof(f"key proof rejected: {exc}") from None
    _check_claims(claims, credential_issuer, client_id, now=now, max_age=max_age, leeway=leeway)
    assert finder.key is not None
    jwk = public_jwk(finder.key)
    holder = HolderKey(jwk=jwk, thumbprint=jwk_thumbprint(jwk), did=finder.did, kid=finder.kid)
    return VerifiedProof(holder=holder, nonce=claims["nonce"])


def _check_claims(
    claims: Mapping[str, Any],
    credential_issuer: str,
    client_id: str | None,
    *,
    now: float,
    max_age: int,
    leeway: int,
) -> None:
    aud = claims["aud"]
    audiences = aud if isinstance(aud, list) else [aud]
    if credential_issuer not in audiences:
        raise InvalidProof("key proof aud is not this Credential Issuer Identifier")
    iat = claims["iat"]
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise InvalidProof("key proof iat must be a NumericDate")
    if iat > now + leeway:
        raise InvalidProof("key proof iat is in the future")
    if now - iat > max_age + leeway:
        raise InvalidProof("key proof is too old (iat)")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise InvalidProof("key proof has no nonce (c_nonce from the Nonce Endpoint)")
    iss = claims.get("iss")
    if iss is not None and client_id is not None and iss != client_id:
        raise InvalidProof("key proof iss is not the client_id of the access token")
