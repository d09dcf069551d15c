"""Signatures of Gaia-X presentations, with the x5u rule on every signing key.

- Loire: the ``vp+jwt`` and each enveloped ``vc+jwt`` (VC-JOSE-COSE §3.1; reference
  gaia-x.md §3.2: the Gaia-X tooling writes ``typ`` as ``vc+jwt``, ``vc+ld+jwt`` or
  ``vc+ld+json+jwt``, all accepted). ``kid`` is a DID URL of the issuer (or holder); the key
  must be listed under ``assertionMethod`` (credentials) or ``authentication``
  (presentation) of the DID document the injected resolver returns.
- Tagus: each credential's JsonWebSignature2020 proof, Gaia-X flavour first then the
  specification flavour (as compliance v1 does, §2.1); the presentation is unsigned.

Every credential's ``publicKeyJwk`` must then pass the x5u rule (:mod:`verifier.gaia_x.x5u`).
Failures become checks; nothing raises on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from credentials import jws2020
from credentials.data_integrity import AssertionMethodPurpose, ResolvedMethod
from credentials.did.dereference import VerificationKey, dereference, verification_method_for
from credentials.errors import CredentialError, KeyResolutionError, MalformedError, SignatureError
from credentials.jose import JosePolicy, decode_compact
from credentials.jose.jws import check_header
from credentials.jose.jwt import check_time_claims
from credentials.jsonld import ContextRegistry
from credentials.keys import verify_raw
from credentials.net import Fetcher
from credentials.result import VerificationResult
from credentials.vc_jose import key_controller
from credentials.vcdm import ENVELOPED_CREDENTIAL, check_validity_window, parse_data_url
from credentials.vcdm.values import as_list
from verifier.gaia_x.integrity import Secured
from verifier.gaia_x.rules import DidDocumentResolver
from verifier.gaia_x.vocabulary import issuer_of
from verifier.gaia_x.x5u import ChainPolicy, X5uChainError, check_x5u

VC_TYPS: Final = ("vc+jwt", "vc+ld+jwt", "vc+ld+json+jwt")
VP_TYPS: Final = ("vp+jwt", "vp+ld+jwt", "vp+ld+json+jwt")
MAX_CREDENTIALS: Final = 32
_POLICY: Final = JosePolicy(algorithms=frozenset({"PS256", "ES256", "ES384", "EdDSA"}))


@dataclass(slots=True)
class SignatureContext:
    """What signature checks need, and the x5u outcomes already computed (by URL + key)."""

    resolver: DidDocumentResolver
    registry: ContextRegistry
    now: datetime
    fetcher: Fetcher | None
    chain_policy: ChainPolicy
    require_x5u: bool = True
    leeway: float = 60
    _x5u: dict[str, tuple[bool, str]] = field(default_factory=dict)

    def key(self, kid: str, relationship: str) -> VerificationKey:
        did = key_controller(kid)
        if did is None or not did.startswith("did:"):
            raise KeyResolutionError(f"kid {kid[:80]!r} is not a DID URL")
        return verification_method_for(self.resolver.resolve(did), kid, relationship)

    def method_resolver(self, method_id: str) -> ResolvedMethod:
        """A :class:`VerificationMethodResolver` over the injected DID resolver."""
        did = key_controller(method_id)
        if did is None or not did.startswith("did:"):
            raise KeyResolutionError(f"{method_id[:80]!r} is not a DID URL")
        document = self.resolver.resolve(did)
        method = dict(dereference(document, method_id))
        method["id"] = method_id
        return ResolvedMethod(method, document)

    def x5u(self, result: VerificationResult, where: str, method: Mapping[str, Any]) -> None:
        if not self.require_x5u:
            return
        jwk = method.get("publicKeyJwk")
        if not isinstance(jwk, Mapping):
            result.fail("x5u_chain", f"{where}: the verification method has no publicKeyJwk")
            return
        cache_key = f"{jwk.get('x5u')}|{jwk.get('n')}|{jwk.get('x')}"
        if cache_key not in self._x5u:
            try:
                self._x5u[cache_key] = (
                    True,
                    check_x5u(jwk, fetcher=self.fetcher, policy=self.chain_policy, now=self.now),
                )
            except X5uChainError as exc:
                self._x5u[cache_key] = (False, exc.detail)
        passed, detail = self._x5u[cache_key]
        if passed:
            result.passed("x5u_chain", f"{where}: {detail}")
        else:
            result.fail("x5u_chain", f"{where}: {detail}")


def _verify_jwt(
    token: str, typs: tuple[str, ...], relationship: str, ctx: SignatureContext
) -> tuple[dict[str, Any], VerificationKey]:
    decoded = decode_compact(token, _POLICY)
    alg = check_header(decoded.header, _POLICY, typs)
    kid = decoded.header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise MalformedError("kid is required to find the signing key")
    claims = decoded.payload_json()
    party = (
        issuer_of(claims)
        if relationship == "assertionMethod"
        else claims.get("holder", key_controller(kid))
    )
    if not isinstance(party, str) or key_controller(kid) != party:
        raise SignatureError(f"kid {kid[:80]!r} is not a key of {party!r}")
    if "iss" in claims and claims["iss"] != party:
        raise SignatureError(f"iss {claims['iss']!r} is not {party!r}")
    key = ctx.key(kid, relationship)
    if not verify_raw(key.public_key, alg, decoded.signing_input, decoded.signature):
        raise SignatureError("signature does not verify")
    return claims, key


def _time(
    result: VerificationResult, where: str, claims: Mapping[str, Any], ctx: SignatureContext
) -> None:
    try:
        check_time_claims(claims, now=ctx.now.timestamp(), leeway=ctx.leeway)
    except CredentialError as exc:
        result.fail(exc.code, f"{where}: {exc.detail}")
    for problem in check_validity_window(claims, now=ctx.now, leeway=ctx.leeway):
        result.fail(problem.code, f"{where}: {problem}")


def _enveloped(item: object) -> str:
    if not isinstance(item, Mapping) or ENVELOPED_CREDENTIAL not in as_list(item.get("type")):
        raise MalformedError("credentials in a Gaia-X VP-JWT are EnvelopedVerifiableCredential")
    try:
        media_type, text = parse_data_url(item.get("id"))
    except ValueError as exc:
        raise MalformedError(str(exc)) from None
    if media_type.removeprefix("application/") not in VC_TYPS:
        raise MalformedError(f"enveloped media type {media_type!r} is not a VC-JWT")
    return text


def verify_loire(token: str, result: VerificationResult, ctx: SignatureContext) -> list[Secured]:
    """The VP-JWT, then each enveloped VC-JWT; returns the credentials whose signature holds."""
    try:
        claims, _ = _verify_jwt(token, VP_TYPS, "authentication", ctx)
    except CredentialError as exc:
        result.fail("signature", f"presentation: {exc.detail}")
        return []
    result.passed("signature", "presentation signed by its holder")
    result.claims = claims
    _time(result, "presentation", claims, ctx)
    secured: list[Secured] = []
    for index, item in enumerate(as_list(claims.get("verifiableCredential", []))):
        where = f"verifiableCredential[{index}]"
        if index >= MAX_CREDENTIALS:
            result.fail("malformed", f"more than {MAX_CREDENTIALS} credentials")
            break
        try:
            inner = _enveloped(item)
            credential, key = _verify_jwt(inner, VC_TYPS, "assertionMethod", ctx)
        except CredentialError as exc:
            result.fail("signature", f"{where}: {exc.detail}")
            continue
        result.passed("signature", f"{where} signed by {key.id}")
        ctx.x5u(result, where, key.method)
        _time(result, where, credential, ctx)
        secured.append(Secured(credential, inner))
    return secured


def verify_tagus(
    presentation: Mapping[str, Any], result: VerificationResult, ctx: SignatureContext
) -> list[Secured]:
    """Each credential's JsonWebSignature2020 proof; returns those that verify."""
    secured: list[Secured] = []
    items = as_list(presentation.get("verifiableCredential", []))
    if not items:
        result.fail("malformed", "the presentation holds no credential")
    for index, credential in enumerate(items[:MAX_CREDENTIALS]):
        where = f"verifiableCredential[{index}]"
        if not isinstance(credential, Mapping) or not isinstance(credential.get("proof"), Mapping):
            result.fail("signature", f"{where}: proof not found")
            continue
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        try:
            method_id = credential["proof"].get("verificationMethod")
            if key_controller(method_id) != issuer_of(credential):
                raise SignatureError(f"{method_id!r} is not a key of the issuer")
            flavour = jws2020.verify_proof(
                unsecured,
                credential["proof"],
                purpose=AssertionMethodPurpose(),
                resolver=ctx.method_resolver,
                registry=ctx.registry,
                now=ctx.now,
            )
            method = ctx.method_resolver(str(credential["proof"]["verificationMethod"])).method
        except CredentialError as exc:
            result.fail("signature", f"{where}: {exc.detail}")
            continue
        result.passed("signature", f"{where}: JsonWebSignature2020 ({flavour} flavour)")
        ctx.x5u(result, where, method)
        _time(result, where, credential, ctx)
        secured.append(Secured(credential))
    return secured
