"""Verifying an SD-JWT or SD-JWT+KB (RFC 9901 §7.1, §7.3).

Two entry points share one pipeline:

- :func:`verify_sd_jwt` raises a :class:`~credentials.errors.CredentialError` subclass at
  the first failed step and returns a :class:`VerifiedSdJwt`;
- :func:`check_sd_jwt` never raises on bad input and returns a
  :class:`~credentials.result.VerificationResult` whose checks are coded ``malformed``,
  ``signature``, ``disclosures``, ``expired`` / ``not_yet_valid``, ``holder_binding``.

Whether key binding is required is the caller's policy (``require_key_binding``), never
inferred from the presence of a KB-JWT (§7.1: "the Verifier MUST NOT take into account
whether a Key Binding JWT is present"). A KB-JWT that is present is always verified.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from credentials.errors import (
    CredentialError,
    HolderBindingError,
    KeyResolutionError,
    MalformedError,
    SignatureError,
)
from credentials.jose import JosePolicy, check_time_claims, decode_compact
from credentials.jose.jws import check_header
from credentials.keys import PublicKey, verify_raw
from credentials.result import VerificationResult
from credentials.sd_jwt.constants import LEGACY_SD_JWT_VC_TYP, SD_JWT_VC_TYP
from credentials.sd_jwt.digest import DEFAULT_ACCEPTED_SD_ALGS
from credentials.sd_jwt.disclosure import Disclosure
from credentials.sd_jwt.key_binding import DEFAULT_KB_MAX_AGE, verify_kb_jwt
from credentials.sd_jwt.processing import DEFAULT_MAX_DEPTH, process_disclosures
from credentials.sd_jwt.serialization import CompactSdJwt, split_compact

#: Resolves the issuer's public key from the protected header and the issuer-signed
#: payload (``iss`` is needed for web-based metadata and to match ``x5c`` names).
IssuerKeyResolver = Callable[[Mapping[str, Any], Mapping[str, Any]], PublicKey]

FORMAT: Final = "dc+sd-jwt"


@dataclass(frozen=True, slots=True)
class SdJwtPolicy:
    """What the verifier accepts, before any caller-specific expectation."""

    jose: JosePolicy = field(default_factory=JosePolicy)
    typ: tuple[str, ...] | None = (SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP)
    sd_algs: frozenset[str] = DEFAULT_ACCEPTED_SD_ALGS
    max_length: int = 256 * 1024
    max_disclosures: int = 1024
    max_depth: int = DEFAULT_MAX_DEPTH
    leeway: float = 60
    kb_max_age: float = DEFAULT_KB_MAX_AGE
    require_claims: tuple[str, ...] = ()


DEFAULT_POLICY: Final = SdJwtPolicy()


@dataclass(frozen=True, slots=True)
class VerifiedSdJwt:
    """A verified SD-JWT: header, signed payload, processed claims, KB-JWT claims."""

    header: dict[str, Any]
    issuer_payload: dict[str, Any]
    claims: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    kb_claims: dict[str, Any] | None


class _Pipeline:
    """The verification steps in order; each raises a CredentialError on failure."""

    __slots__ = (
        "_decoded",
        "claims",
        "disclosures",
        "expected_aud",
        "expected_nonce",
        "header",
        "issuer_key",
        "kb_claims",
        "now",
        "parts",
        "payload",
        "policy",
        "require_key_binding",
        "sd_alg",
        "text",
    )

    def __init__(
        self,
        text: object,
        *,
        issuer_key: IssuerKeyResolver,
        now: float,
        require_key_binding: bool,
        expected_nonce: str | None,
        expected_aud: str | None,
        policy: SdJwtPolicy,
    ) -> None:
        if require_key_binding and (expected_nonce is None or expected_aud is None):
            raise ValueError("key binding needs the expected nonce and audience")
        self.text = text
        self.issuer_key = issuer_key
        self.now = now
        self.require_key_binding = require_key_binding
        self.expected_nonce = expected_nonce
        self.expected_aud = expected_aud
        self.policy = policy
        self.kb_claims: dict[str, Any] | None = None

    def parse(self) -> None:
        policy = self.policy
        if not isinstance(self.text, str):
            raise MalformedError("an SD-JWT must be a string")
        self.parts: CompactSdJwt = split_compact(
            self.text, max_length=policy.max_length, max_disclosures=policy.max_disclosures
        )
        decoded = decode_compact(self.parts.issuer_jwt, policy.jose)
        try:
            payload = json.loads(decoded.payload)
        except (ValueError, RecursionError):
            raise MalformedError("issuer JWT payload is not JSON") from None
        if not isinstance(payload, dict):
            raise MalformedError("issuer JWT payload must be a JSON object")
        self.header: dict[str, Any] = decoded.header
        self.payload: dict[str, Any] = payload
        self._decoded = decoded

    def signature(self) -> None:
        """RFC 9901 §7.1 step 2: the issuer signature, with an allowed, non-``none`` alg."""
        alg = check_header(self.header, self.policy.jose, self.policy.typ)
        key = self.issuer_key(self.header, self.payload)
        decoded = self._decoded
        if not verify_raw(key, alg, decoded.signing_input, decoded.signature):
            raise SignatureError("issuer signature does not verify")

    def disclosures_step(self) -> None:
        processed = process_disclosures(
            self.payload,
            self.parts.disclosures,
            accepted_sd_algs=self.policy.sd_algs,
            max_depth=self.policy.max_depth,
        )
        self.claims: dict[str, Any] = processed.claims
        self.disclosures: tuple[Disclosure, ...] = processed.disclosures
        self.sd_alg: str = processed.sd_alg

    def validity(self) -> None:
        """RFC 9901 §7.1 step 6 with RFC 7519 §4.1.4–4.1.6: ``exp``, ``nbf``, ``iat``."""
        check_time_claims(
            self.claims,
            now=self.now,
            leeway=self.policy.leeway,
            require=self.policy.require_claims,
        )

    def key_binding(self) -> bool:
        """RFC 9901 §7.3; returns whether a KB-JWT was checked."""
        kb_jwt = self.parts.kb_jwt
        if kb_jwt is None:
            if self.require_key_binding:
                raise HolderBindingError("key binding is required but no KB-JWT is present")
            return False
        self.kb_claims = verify_kb_jwt(
            kb_jwt,
            hashed_part=self.parts.hashed_part,
            sd_alg=self.sd_alg,
            cnf=self.claims.get("cnf"),
            policy=self.policy.jose,
            now=self.now,
            expected_nonce=self.expected_nonce,
            expected_aud=self.expected_aud,
            leeway=self.policy.leeway,
            max_age=self.policy.kb_max_age,
        )
        return True

    def result(self) -> VerifiedSdJwt:
        return VerifiedSdJwt(
            self.header, self.payload, self.claims, self.disclosures, self.kb_claims
        )


def verify_sd_jwt(
    presentation: str,
    *,
    issuer_key: IssuerKeyResolver,
    now: float,
    require_key_binding: bool,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    policy: SdJwtPolicy = DEFAULT_POLICY,
) -> VerifiedSdJwt:
    """Verify an SD-JWT (+KB) and return its processed claims, raising at the first failure.

    A key resolution failure is raised as :class:`~credentials.errors.KeyResolutionError`.
    """
    pipeline = _Pipeline(
        presentation,
        issuer_key=issuer_key,
        now=now,
        require_key_binding=require_key_binding,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        policy=policy,
    )
    pipeline.parse()
    pipeline.signature()
    pipeline.disclosures_step()
    pipeline.validity()
    pipeline.key_binding()
    return pipeline.result()


def check_sd_jwt(
    presentation: object,
    *,
    issuer_key: IssuerKeyResolver,
    now: float,
    require_key_binding: bool,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    policy: SdJwtPolicy = DEFAULT_POLICY,
    result_format: str = FORMAT,
) -> tuple[VerificationResult, VerifiedSdJwt | None]:
    """Run every check and report each; claims are filled in only when all pass."""
    result = VerificationResult(format=result_format)
    pipeline = _Pipeline(
        presentation,
        issuer_key=issuer_key,
        now=now,
        require_key_binding=require_key_binding,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        policy=policy,
    )
    try:
        pipeline.parse()
    except CredentialError as exc:
        result.fail("malformed", exc.detail)
        return result, None
    result.passed("malformed", "compact SD-JWT parsed")
    for code, step in (
        ("signature", pipeline.signature),
        ("disclosures", pipeline.disclosures_step),
    ):
        try:
            step()
        except KeyResolutionError as exc:
            result.fail(code, f"issuer key: {exc.detail}")
            return result, None
        except CredentialError as exc:
            result.fail(code, exc.detail)
            return result, None
        result.passed(code)
    try:
        pipeline.validity()
    except CredentialError as exc:
        result.fail_with(exc)
        return result, None
    result.passed("expired")
    result.passed("not_yet_valid")
    try:
        checked = pipeline.key_binding()
    except CredentialError as exc:
        result.fail("holder_binding", exc.detail)
        return result, None
    if checked:
        result.passed("holder_binding", "KB-JWT verified")
    verified = pipeline.result()
    result.claims = verified.claims
    issuer = verified.claims.get("iss")
    result.issuer = issuer if isinstance(issuer, str) else None
    return result, verified


def verify_sd_jwt_result(
    presentation: object,
    *,
    issuer_key: IssuerKeyResolver,
    now: float,
    require_key_binding: bool,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    policy: SdJwtPolicy = DEFAULT_POLICY,
) -> VerificationResult:
    """:func:`check_sd_jwt` without the verified object: the structured result only."""
    result, _ = check_sd_jwt(
        presentation,
        issuer_key=issuer_key,
        now=now,
        require_key_binding=require_key_binding,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        policy=policy,
    )
    return result
