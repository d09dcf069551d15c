"""The port through which the response endpoint verifies each presentation.

OpenID4VP fixes what binds a presentation to the request (Appendix B): for SD-JWT VC the
KB-JWT ``nonce`` and ``aud`` = the Client Identifier *with its prefix* (B.3.6); for
``jwt_vc_json`` the VP's ``nonce`` and ``aud`` (B.1.3.1.5); for ``ldp_vc`` the proof's
``challenge`` and ``domain`` (B.1.3.2.5). Everything else (signature, validity, status,
trust, policy) is the verification pipeline's job. :class:`PresentationVerifier` is the
small interface this package needs; :class:`CredentialsPresentationVerifier` implements it
with :mod:`credentials` alone (signature, validity, holder binding; no status or trust) for
deployments and tests without the full pipeline.

A transaction created from a named policy needs more: the policy's rules span every
presentation of the response (the same SIREN across credentials, the required set), so
the whole ``vp_token`` goes to a :class:`PolicyVerifier` in one call
(:class:`verifier.oid4vp.pipeline_verifier.PipelinePresentationVerifier` implements both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from credentials.did.resolver import DidResolver
from credentials.result import Check, VerificationResult
from credentials.sd_jwt_vc import DidKeyResolver, check_sd_jwt_vc, issuer_key_resolver
from credentials.vc_jose import verify_vp_jwt
from verifier.oid4vp.dcql import FORMAT_JWT_VC_JSON, FORMAT_SD_JWT_VC
from verifier.oid4vp.matching import PresentedCredential


@dataclass(slots=True)
class PresentationOutcome:
    """The verdict on one presentation and the credentials it proved."""

    verified: bool
    checks: list[Check] = field(default_factory=list)
    credentials: list[PresentedCredential] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": [check.to_json() for check in self.checks],
            "credentials": [
                {
                    "format": c.format,
                    "issuer": c.issuer,
                    "vct": c.vct,
                    "types": list(c.types),
                    "claims": dict(c.claims),
                }
                for c in self.credentials
            ],
            **({"detail": self.detail} if self.detail else {}),
        }


class PresentationVerifier(Protocol):
    """Verify one presentation bound to ``nonce`` and ``audience`` (the client_id)."""

    def verify(
        self,
        presentation: object,
        *,
        format: str,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome: ...


@dataclass(frozen=True, slots=True)
class TokenPresentation:
    """One presentation of a ``vp_token``, with what its Credential Query asked."""

    query_id: str
    format: str
    presentation: object
    require_holder_binding: bool


@dataclass(slots=True)
class TokenOutcome:
    """The verdict on a whole ``vp_token`` under a policy.

    ``presentations`` is aligned with the input; ``checks`` are about the token as a whole
    (the policy's); ``detail`` carries the verifier's full report.
    """

    presentations: list[PresentationOutcome]
    checks: list[Check] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return all(o.verified for o in self.presentations) and all(c.passed for c in self.checks)


@runtime_checkable
class PolicyVerifier(Protocol):
    """Verify every presentation of one response together, under a named policy."""

    def verify_token(
        self,
        presentations: Sequence[TokenPresentation],
        *,
        policy: str,
        nonce: str,
        audience: str,
        now: float,
    ) -> TokenOutcome: ...


def _outcome(
    result: VerificationResult, credentials: list[PresentedCredential]
) -> PresentationOutcome:
    return PresentationOutcome(
        verified=result.verified,
        checks=list(result.checks),
        credentials=credentials if result.verified else [],
    )


def _types(claims: Mapping[str, Any]) -> tuple[str, ...]:
    value = claims.get("type")
    items = value if isinstance(value, list) else [value]
    return tuple(item for item in items if isinstance(item, str))


class CredentialsPresentationVerifier:
    """SD-JWT VC and ``vp+jwt`` verification with :mod:`credentials` and a DID resolver."""

    def __init__(self, resolver: DidResolver) -> None:
        self._resolver = resolver
        self._handlers: dict[str, Callable[..., PresentationOutcome]] = {
            FORMAT_SD_JWT_VC: self._sd_jwt_vc,
            FORMAT_JWT_VC_JSON: self._vp_jwt,
        }

    def verify(
        self,
        presentation: object,
        *,
        format: str,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        handler = self._handlers.get(format)
        if handler is None:
            check = Check("format", False, f"presentations in {format!r} are not verified here")
            return PresentationOutcome(verified=False, checks=[check])
        return handler(
            presentation,
            nonce=nonce,
            audience=audience,
            require_holder_binding=require_holder_binding,
            now=now,
        )

    def _sd_jwt_vc(
        self,
        presentation: object,
        *,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        def by_did_url(did_url: str) -> Any:
            return self._resolver.verification_method_for(did_url, "assertionMethod").public_key

        result = check_sd_jwt_vc(
            presentation,
            issuer_key=issuer_key_resolver(did=DidKeyResolver(by_did_url)),
            now=now,
            require_key_binding=require_holder_binding,
            expected_nonce=nonce,
            expected_aud=audience,
        )
        claims = result.claims
        credential = PresentedCredential(
            format=FORMAT_SD_JWT_VC,
            claims=claims,
            vct=claims.get("vct") if isinstance(claims.get("vct"), str) else None,
            issuer=claims.get("iss") if isinstance(claims.get("iss"), str) else None,
        )
        return _outcome(result, [credential])

    def _vp_jwt(
        self,
        presentation: object,
        *,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        result = verify_vp_jwt(
            presentation,
            key_resolver=self._resolver.jose_key_resolver("authentication"),
            credential_key_resolver=self._resolver.jose_key_resolver("assertionMethod"),
            now=now,
            expected_nonce=nonce,
            expected_audience=audience,
            require_holder_is_subject=require_holder_binding,
        )
        credentials = []
        for nested in result.extra.get("credentials", []):
            claims = nested.get("claims") or {}
            credentials.append(
                PresentedCredential(
                    format=FORMAT_JWT_VC_JSON,
                    claims=claims,
                    types=_types(claims),
                    issuer=nested.get("issuer"),
                )
            )
        if not credentials:
            result.fail("data_model", "the presentation holds no credential")
        return _outcome(result, credentials)
