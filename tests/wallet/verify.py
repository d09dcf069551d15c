"""Checking received credentials with ``credentials/`` (and SD-JWT VCs with OWF ``sd_jwt``).

The issuer's keys come from its published DID document (``/.well-known/did.json``).

Most configurations bind the credential to the wallet's proof key (``cnf.jwk``, or
``credentialSubject.id`` = the holder's DID). Gaia-X participant credentials do not: their
subject is the company as a participant, and they are signed PS256 (Loire VC-JWT) or with a
JsonWebSignature2020 proof (Tagus); ``holder_bound=False`` checks those, and that the
holder's DID appears nowhere in them.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from credentials import jws2020
from credentials.data_integrity import AssertionMethodPurpose, StaticResolver, verify
from credentials.did.dereference import verification_method_for
from credentials.jose import JosePolicy
from credentials.jsonld import ContextRegistry
from credentials.keys import PublicKey, public_jwk
from credentials.sd_jwt_vc import DidKeyResolver, issuer_key_resolver, verify_sd_jwt_vc
from credentials.vc_jose import verify_vc_jwt


class IssuerKeys:
    """The issuer's DID document, fetched once."""

    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self.document: dict[str, Any] = http.get(f"{base_url}/.well-known/did.json").json()

    def key(self, kid: str) -> PublicKey:
        return verification_method_for(self.document, kid, "assertionMethod").public_key


def check_credential(
    credential: Any,
    fmt: str,
    keys: IssuerKeys,
    *,
    registry: ContextRegistry,
    holder_jwk: dict[str, Any],
    holder_did: str,
    holder_bound: bool = True,
) -> dict[str, Any]:
    """Verify one credential of format ``fmt``; returns its claims (or document).

    ``registry`` must hold the credential's contexts (the Gaia-X ones for Tagus).
    """
    if not holder_bound:
        document = _check_unbound(credential, fmt, keys, registry=registry)
        assert holder_did not in json.dumps(document)
        return document
    if fmt == "dc+sd-jwt":
        assert isinstance(credential, str)
        verified = verify_sd_jwt_vc(
            credential,
            issuer_key=issuer_key_resolver(did=DidKeyResolver(keys.key)),
            now=time.time(),
            require_key_binding=False,
        )
        assert verified.claims["cnf"]["jwk"] == holder_jwk
        _owf_check(credential, keys)
        return dict(verified.claims)
    if fmt == "jwt_vc_json":
        result = verify_vc_jwt(
            credential, key_resolver=lambda h: keys.key(h["kid"]), now=time.time()
        )
        assert result.verified, result.to_json()
        assert result.claims["credentialSubject"]["id"] == holder_did
        return dict(result.claims)
    assert fmt == "ldp_vc"
    assert isinstance(credential, dict)
    result = verify(
        credential,
        purpose=AssertionMethodPurpose(),
        resolver=StaticResolver([keys.document]),
        registry=registry,
        now=datetime.now(UTC),
    )
    assert result.verified, result.to_json()
    assert credential["credentialSubject"]["id"] == holder_did
    return credential


def _check_unbound(
    credential: Any, fmt: str, keys: IssuerKeys, *, registry: ContextRegistry
) -> dict[str, Any]:
    """A credential bound to no holder key: Loire VC-JWT (PS256) or Tagus JSON-LD."""
    if fmt == "jwt_vc_json":
        result = verify_vc_jwt(
            credential,
            key_resolver=lambda h: keys.key(h["kid"]),
            now=time.time(),
            policy=JosePolicy(algorithms=frozenset({"PS256"})),
        )
        assert result.verified, result.to_json()
        return dict(result.claims)
    assert fmt == "ldp_vc"
    assert isinstance(credential, dict)
    assert credential["proof"]["type"] == jws2020.PROOF_TYPE
    result = jws2020.verify(
        credential,
        purpose=AssertionMethodPurpose(),
        resolver=StaticResolver([keys.document]),
        registry=registry,
        now=datetime.now(UTC),
    )
    assert result.verified, result.to_json()
    return credential


def _owf_check(credential: str, keys: IssuerKeys) -> None:
    from jwcrypto.jwk import JWK
    from sd_jwt.verifier import SDJWTVerifier

    def issuer_key(_iss: str, header: dict[str, Any]) -> Any:
        return JWK.from_json(json.dumps(public_jwk(keys.key(header["kid"]))))

    payload = SDJWTVerifier(credential, issuer_key).get_verified_payload()
    assert payload["vct"].startswith("http")
